package io.memolock.internal;

import io.memolock.Metrics;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lock-free latency histogram with logarithmic buckets (four per power of two, so percentiles are
 * within about 19% of the true value). Thread-safe.
 */
final class WaitHistogram {
  private static final int SUB = 4;
  private static final int BUCKETS = 64 * SUB;
  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
  private final LongAccumulator max = new LongAccumulator(Math::max, 0);
  private final LongAdder sum = new LongAdder();

  void record(long micros) {
    long v = Math.max(1, micros);
    counts.incrementAndGet(bucket(v));
    max.accumulate(v);
    sum.add(v);
  }

  Metrics.Distribution snapshot() {
    long[] c = new long[BUCKETS];
    long total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      c[i] = counts.get(i);
      total += c[i];
    }
    long maxValue = max.get();
    return new Metrics.Distribution(
        total,
        Math.min(maxValue, percentile(c, total, 0.50)),
        Math.min(maxValue, percentile(c, total, 0.99)),
        maxValue,
        sum.sum());
  }

  static int bucket(long v) {
    int exp = 63 - Long.numberOfLeadingZeros(v);
    if (exp < 2) {
      return (int) v;
    }
    int sub = (int) ((v >>> (exp - 2)) & (SUB - 1));
    return exp * SUB + sub;
  }

  static long upperBound(int bucket) {
    int exp = bucket / SUB;
    int sub = bucket % SUB;
    if (exp < 2) {
      return bucket;
    }
    return ((long) (SUB + sub + 1) << (exp - 2)) - 1;
  }

  private static long percentile(long[] c, long total, double p) {
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(total * p);
    long seen = 0;
    for (int i = 0; i < c.length; i++) {
      seen += c[i];
      if (seen >= rank) {
        return upperBound(i);
      }
    }
    return upperBound(c.length - 1);
  }
}
