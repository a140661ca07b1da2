package io.memolock.local;

/**
 * The decision of probabilistic early recomputation (Vattani, Chierichetti, Lowenstein: "Optimal
 * Probabilistic Cache Stampede Prevention", VLDB 2015). Pure and thread-safe.
 */
final class XFetch {
  private XFetch() {}

  /**
   * Whether a caller should recompute now: {@code now - delta * beta * ln(r) >= expiry} with
   * {@code r} uniform in (0, 1]. The probability is {@code exp(-(expiry - now) / (delta * beta))}:
   * negligible while the value is young, certain at expiry.
   *
   * @param now current time, nanoseconds
   * @param expiresAt expiry, nanoseconds on the same clock
   * @param deltaNanos the computation's duration, nanoseconds
   * @param beta eagerness, at least 0
   * @param uniform a random number in [0, 1)
   * @return whether to recompute now
   */
  static boolean due(long now, long expiresAt, long deltaNanos, double beta, double uniform) {
    double remaining = (double) (expiresAt - now);
    if (remaining <= 0) {
      return true;
    }
    double gap = -((double) deltaNanos) * beta * Math.log(1.0 - uniform); // ln of (0, 1]: <= 0
    return gap >= remaining;
  }
}
