/**
 * MemoLock metrics in Micrometer: {@link io.memolock.micrometer.MemoLockMetrics}, a {@code MeterBinder}
 * following Micrometer's cache conventions.
 */
@org.jspecify.annotations.NullMarked
module io.memolock.micrometer {
  requires transitive io.memolock;
  requires transitive micrometer.core;
  requires io.memolock.local;
  requires static org.jspecify;

  exports io.memolock.micrometer;
}
