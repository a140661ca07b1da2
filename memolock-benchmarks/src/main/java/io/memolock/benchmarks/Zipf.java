package io.memolock.benchmarks;

import java.util.Arrays;
import java.util.SplittableRandom;

/** A seeded Zipf sample: rank k of n is drawn with probability proportional to 1 / k^s. */
final class Zipf {
  private Zipf() {}

  /**
   * @param n number of distinct ranks (0-based results)
   * @param s the exponent
   * @param count how many draws
   * @param seed the seed, so every contender gets the same sequence
   * @return the draws, each in [0, n)
   */
  static int[] sample(int n, double s, int count, long seed) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1.0 / Math.pow(k + 1, s);
      cdf[k] = sum;
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] draws = new int[count];
    for (int i = 0; i < count; i++) {
      double u = random.nextDouble() * sum;
      int at = Arrays.binarySearch(cdf, u);
      draws[i] = Math.min(n - 1, at >= 0 ? at : -at - 1);
    }
    return draws;
  }
}
