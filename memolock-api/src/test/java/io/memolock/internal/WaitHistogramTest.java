package io.memolock.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.Metrics;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class WaitHistogramTest {

  @Test
  void emptyHistogramReportsZeros() {
    assertEquals(new Metrics.Distribution(0, 0, 0, 0, 0), new WaitHistogram().snapshot());
  }

  @Test
  void percentilesOfAUniformSpread() {
    WaitHistogram h = new WaitHistogram();
    for (int i = 1; i <= 1000; i++) {
      h.record(i);
    }
    Metrics.Distribution d = h.snapshot();
    assertEquals(1000, d.count());
    assertEquals(1000, d.maxMicros());
    assertTrue(d.p50Micros() >= 500 && d.p50Micros() <= 600, "p50 " + d.p50Micros());
    assertTrue(d.p99Micros() >= 990 && d.p99Micros() <= 1000, "p99 " + d.p99Micros());
  }

  @Property
  void everyValueFallsInABucketWhoseBoundHoldsItWithin25Percent(
      @ForAll @LongRange(min = 1, max = Long.MAX_VALUE / 2) long v) {
    long upper = WaitHistogram.upperBound(WaitHistogram.bucket(v));
    assertTrue(upper >= v, v + " above its bucket's bound " + upper);
    assertTrue(upper <= v + v / 4 + 1, v + " far below its bucket's bound " + upper);
  }
}
