package io.memolock.examples;

import java.util.Arrays;

/** Nearest-rank percentiles of a set of durations in nanoseconds, reported in milliseconds. */
final class Percentiles {
  private final long[] sorted;

  Percentiles(long[] nanos) {
    this.sorted = nanos.clone();
    Arrays.sort(sorted);
  }

  int count() {
    return sorted.length;
  }

  /**
   * @param q a quantile in (0, 1]
   * @return the nearest-rank value in milliseconds, or NaN when empty
   */
  double millis(double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
  }

  double maxMillis() {
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
  }
}
