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

  @Test
  void noDrawIsDueBeforeTheEarliestDueTime() {
    double largest = 1.0 - 0x1.0p-53; // the largest ThreadLocalRandom.nextDouble()
    for (double beta : new double[] {0.01, 1, 3}) {
      for (long delta : new long[] {1, MS, 100 * MS, 5_000 * MS}) {
        long expiry = 3_600_000 * MS;
        long from = XFetch.earliestDue(0, expiry, delta, beta);
        assertTrue(from >= 0 && from <= expiry);
        assertFalse(XFetch.due(from - 1, expiry, delta, beta, largest), beta + " " + delta);
        assertTrue(
            from == 0 || XFetch.due(from + (long) Math.ceil(delta * beta), expiry, delta, beta, largest),
            "soon after it a draw can be due");
      }
    }
  }

  @Test
  void theEarliestDueTimeIsTheFillWhenTheWindowCoversTheLifeAndExpiryWhenNeverEarly() {
    assertEquals(5, XFetch.earliestDue(5, 30_000 * MS, 5 * MS, 1e9));
    assertEquals(30_000 * MS, XFetch.earliestDue(5, 30_000 * MS, 0, 1));
    assertEquals(30_000 * MS, XFetch.earliestDue(5, 30_000 * MS, 5 * MS, 0));
    assertEquals(Entry.NEVER, XFetch.earliestDue(5, Entry.NEVER, 5 * MS, 1));
    long now = -7_000_000_000_000L; // the ticker may be negative
    assertEquals(now + 1_000 * MS - 37 * MS, XFetch.earliestDue(now, now + 1_000 * MS, MS, 1));
  }
}
