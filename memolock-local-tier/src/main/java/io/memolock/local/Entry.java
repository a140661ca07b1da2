package io.memolock.local;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A near copy of a value. Compared by identity, so a fill removes only its own entry. Thread-safe:
 * its fields are final, and its one mutable flag is atomic.
 *
 * @param <V> the value type
 */
final class Entry<V> {
  /** {@link #expiresAt} of a value without TTL in Redis. */
  static final long NEVER = Long.MAX_VALUE;

  final V value;
  /** Ticker time at which the value expires in Redis at the latest, or {@link #NEVER}. */
  final long expiresAt;
  /** The value's last computation time, nanoseconds; 0 if unknown. */
  final long deltaNanos;
  /**
   * Ticker time before which no hit can be due for early refresh (see {@link XFetch#earliestDue}):
   * a hit before it makes the decision with one compare, no random draw. {@link #expiresAt} when
   * the copy is never refreshed early.
   */
  final long drawFrom;
  /** Set once this process has tried to refresh this copy: one attempt per copy. */
  private final AtomicBoolean refreshTried = new AtomicBoolean();

  /** A copy that is never refreshed early. */
  Entry(V value, long expiresAt, long deltaNanos) {
    this(value, expiresAt, deltaNanos, expiresAt);
  }

  Entry(V value, long expiresAt, long deltaNanos, long drawFrom) {
    this.value = value;
    this.expiresAt = expiresAt;
    this.deltaNanos = deltaNanos;
    this.drawFrom = drawFrom;
  }

  /** @return whether a refresh of this copy was tried already */
  boolean refreshTried() {
    return refreshTried.get();
  }

  /** @return true for the first caller only */
  boolean claimRefresh() {
    return !refreshTried.get() && refreshTried.compareAndSet(false, true);
  }
}
