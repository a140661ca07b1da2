package io.memolock.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * One kind of failure that the library survives but must not hide: each occurrence is counted, and
 * logged through {@link System.Logger} {@code io.memolock} at most once per {@link
 * #INTERVAL_NANOS}, because under an outage the same failure repeats for every request. The next
 * line logged says how many were not logged meanwhile. Used by {@link Incidents} and by the local
 * tier. Thread-safe.
 */
public final class RateLimitedLog {
  /** At most one line per kind in this interval. */
  public static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private static final System.Logger LOG = System.getLogger("io.memolock");

  private final LongAdder count = new LongAdder();
  private final LongAdder suppressed = new LongAdder();
  private final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);

  /**
   * Counts one occurrence and logs it at {@code WARNING} unless one was logged within the interval.
   *
   * @param message builds the line (only called when it is logged)
   */
  public void report(Supplier<String> message) {
    count.increment();
    long now = System.nanoTime();
    long last = lastLogged.get();
    if (last != Long.MIN_VALUE && now - last < INTERVAL_NANOS) {
      suppressed.increment();
      return;
    }
    if (!lastLogged.compareAndSet(last, now)) {
      suppressed.increment(); // another thread logs this kind right now
      return;
    }
    long skipped = suppressed.sumThenReset();
    LOG.log(
        Level.WARNING,
        () -> message.get() + (skipped > 0 ? " (" + skipped + " more like it not logged)" : ""));
  }

  /** @return how many occurrences were reported */
  public long count() {
    return count.sum();
  }
}
