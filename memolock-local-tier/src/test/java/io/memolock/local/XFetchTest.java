package io.memolock.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class XFetchTest {
  private static final long MS = 1_000_000;

  @Test
  void atOrAfterExpiryItIsAlwaysDue() {
    assertTrue(XFetch.due(100 * MS, 100 * MS, 0, 0, 0.5));
    assertTrue(XFetch.due(101 * MS, 100 * MS, 10 * MS, 1, 0.0));
  }

  @Test
  void withoutAComputationTimeOrWithBetaZeroItIsNeverDueBeforeExpiry() {
    for (double u : new double[] {0, 0.5, 0.999999999}) {
      assertFalse(XFetch.due(0, 1, 0, 1, u));
      assertFalse(XFetch.due(0, 1, 10 * MS, 0, u));
    }
  }

  @Test
  void theProbabilityIsExpOfMinusRemainingOverDeltaTimesBeta() {
    SplittableRandom random = new SplittableRandom(42);
    long delta = 100 * MS;
    for (double beta : new double[] {0.5, 1, 2}) {
      for (long remainingMs : new long[] {10, 100, 300}) {
        int n = 200_000;
        int due = 0;
        for (int i = 0; i < n; i++) {
          if (XFetch.due(0, remainingMs * MS, delta, beta, random.nextDouble())) {
            due++;
          }
        }
        double expected = Math.exp(-(remainingMs * MS) / (delta * beta));
        assertEquals(
            expected, (double) due / n, 0.005, "beta " + beta + ", " + remainingMs + " ms left");
      }
    }
  }

  @Test
  void itGetsMoreLikelyAsExpiryNears() {
    double u = 0.3; // fixed draw: due from some point on, and from then until expiry
    boolean seen = false;
    for (long now = 0; now <= 1_000 * MS; now += MS) {
      boolean due = XFetch.due(now, 1_000 * MS, 100 * MS, 1, u);
      assertTrue(due || !seen, "once due, due until expiry");
      seen |= due;
    }
    assertTrue(seen);
  }
}
