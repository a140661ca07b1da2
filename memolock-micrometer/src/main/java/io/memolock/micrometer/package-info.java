/** Micrometer binding of a MemoLock's counters: {@link io.memolock.micrometer.MemoLockMetrics}. */
@org.jspecify.annotations.NullMarked
package io.memolock.micrometer;
