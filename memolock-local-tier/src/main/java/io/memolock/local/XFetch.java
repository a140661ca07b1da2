package io.memolock.local;

/**
 * The decision of probabilistic early recomputation (Vattani, Chierichetti, Lowenstein: "Optimal
 * Probabilistic Cache Stampede Prevention", VLDB 2015). Pure and thread-safe.
 */
final class XFetch {
  /**
   * An upper bound of {@code -ln(1 - u)} for every {@code u} that {@link
   * java.util.concurrent.ThreadLocalRandom#nextDouble()} returns: at most {@code 1 - 2^-53}, so
   * {@code -ln(1 - u) <= 53 ln 2 = 36.74}; 37 leaves room for rounding.
   */
  static final double MAX_LOG = 37;

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

  /**
   * The earliest time at which {@link #due} can be true for some draw of {@code
   * ThreadLocalRandom.nextDouble()}: before it, every draw says no (the largest gap a draw can give
   * is {@code delta * beta * 53 ln 2}), so a hit need not draw. This keeps the per-request decision
   * of the paper exactly, and makes it one compare for all but the last {@code 37 * delta * beta}
   * of a value's life.
   *
   * @param filledAt when the copy was made, nanoseconds
   * @param expiresAt expiry, nanoseconds on the same clock, or {@link Entry#NEVER}
   * @param deltaNanos the computation's duration, nanoseconds (0 if unknown)
   * @param beta eagerness, at least 0
   * @return a time in {@code [filledAt, expiresAt]}; {@code expiresAt} if never due before it
   */
  static long earliestDue(long filledAt, long expiresAt, long deltaNanos, double beta) {
    if (expiresAt == Entry.NEVER || deltaNanos <= 0 || !(beta > 0)) {
      return expiresAt;
    }
    double window = (double) deltaNanos * beta * MAX_LOG;
    if (!(window < (double) (expiresAt - filledAt))) {
      return filledAt;
    }
    return expiresAt - (long) Math.ceil(window);
  }
}
