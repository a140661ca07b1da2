package io.memolock.local;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A near copy of a value. Compared by identity, so a fill removes only its own entry. Thread-safe.
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
  /** Set once this process has tried to refresh this copy: one attempt per copy. */
  private final AtomicBoolean refreshTried = new AtomicBoolean();

  Entry(V value, long expiresAt, long deltaNanos) {
    this.value = value;
    this.expiresAt = expiresAt;
    this.deltaNanos = deltaNanos;
  }

  /** @return true for the first caller only */
  boolean claimRefresh() {
    return !refreshTried.get() && refreshTried.compareAndSet(false, true);
  }
}
