package io.memolock.internal;

import java.util.EnumMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Failures the library survives but must not hide: each is counted (read through {@code
 * MemoLock.metrics()}) and logged through {@link System.Logger} {@code io.memolock}, one line with
 * the tag, the id and the cause, at most one line per kind per {@link #LOG_INTERVAL_NANOS} (see
 * {@link RateLimitedLog}). Thread-safe.
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

  static final long LOG_INTERVAL_NANOS = RateLimitedLog.INTERVAL_NANOS;

  private final Map<Kind, RateLimitedLog> logs = new EnumMap<>(Kind.class);

  Incidents() {
    for (Kind kind : Kind.values()) {
      logs.put(kind, new RateLimitedLog());
    }
  }

  /** Counts one incident and logs it unless one of its kind was logged within the interval. */
  void report(Kind kind, String tag, @Nullable String id, Throwable cause) {
    logs.get(kind)
        .report(
            () ->
                "MemoLock "
                    + tag
                    + (id == null ? "" : " id '" + id + "'")
                    + ": "
                    + kind.what
                    + ": "
                    + cause);
  }

  /** @return how many incidents of this kind were reported */
  long count(Kind kind) {
    return logs.get(kind).count();
  }
}
