package io.memolock.internal;

import java.lang.System.Logger.Level;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Failures the library survives but must not hide: each is counted (read through {@code
 * MemoLock.metrics()}) and logged through {@link System.Logger} {@code io.memolock}, one line with
 * the tag, the id and the cause. Under an outage the same kind of failure repeats for every
 * request, so each kind logs at most one line per {@link #LOG_INTERVAL_NANOS}; the next line says
 * how many were not logged meanwhile. Thread-safe.
 */
final class Incidents {
  /** What went wrong. */
  enum Kind {
    /** A computed value (or absence) could not be stored. */
    STORE("could not store the computed value"),
    /** A lock could not be released; it expires by itself. */
    RELEASE("could not release the lock (it expires by itself)"),
    /** A failure could not be announced to the waiters; they re-check when the lock expires. */
    ANNOUNCE("could not announce the failure"),
    /** A lease could not be renewed; the next renewal tries again. */
    RENEWAL("could not renew the lease"),
    /** The subscriber connection failed, or a listener threw; it reconnects or goes on. */
    SUBSCRIBER("subscriber connection problem"),
    /** A notification payload could not be decoded; its waiters re-read the value. */
    NOTIFICATION("could not decode a notification");

    final String what;

    Kind(String what) {
      this.what = what;
    }
  }

  static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final System.Logger LOG = System.getLogger("io.memolock");

  private final Map<Kind, Counter> counters = new EnumMap<>(Kind.class);

  Incidents() {
    for (Kind kind : Kind.values()) {
      counters.put(kind, new Counter());
    }
  }

  /** Counts one incident and logs it unless one of its kind was logged within the interval. */
  void report(Kind kind, String tag, @Nullable String id, Throwable cause) {
    Counter c = counters.get(kind);
    c.count.increment();
    long now = System.nanoTime();
    long last = c.lastLogged.get();
    if (last != Long.MIN_VALUE && now - last < LOG_INTERVAL_NANOS) {
      c.suppressed.increment();
      return;
    }
    if (!c.lastLogged.compareAndSet(last, now)) {
      c.suppressed.increment(); // another thread logs this kind right now
      return;
    }
    long skipped = c.suppressed.sumThenReset();
    LOG.log(
        Level.WARNING,
        () ->
            "MemoLock "
                + tag
                + (id == null ? "" : " id '" + id + "'")
                + ": "
                + kind.what
                + ": "
                + cause
                + (skipped > 0 ? " (" + skipped + " more like it not logged)" : ""));
  }

  /** @return how many incidents of this kind were reported */
  long count(Kind kind) {
    return counters.get(kind).count.sum();
  }

  private static final class Counter {
    final LongAdder count = new LongAdder();
    final LongAdder suppressed = new LongAdder();
    final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);
  }
}
