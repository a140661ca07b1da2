package io.memolock.examples;

import java.util.Arrays;

/**
 * Nearest-rank percentiles of a set of durations in nanoseconds, reported in milliseconds. Immutable
 * (it sorts a copy), so thread-safe. Shared by the stampede mode here and memolock-benchmarks (which
 * depends on this module for it).
 */
public final class Percentiles {
  private final long[] sorted;

  /** @param nanos the durations; copied */
  public Percentiles(long[] nanos) {
    this.sorted = nanos.clone();
    Arrays.sort(sorted);
  }

  /** @return how many durations */
  public int count() {
    return sorted.length;
  }

  /**
   * @param q a quantile in (0, 1]
   * @return the nearest-rank value in milliseconds, or NaN when empty
   */
  public double millis(double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
  }

  /** @return the largest in milliseconds, or NaN when empty */
  public double maxMillis() {
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
  }
}
