package io.memolock.spring;

/**
 * A loader returned {@code null} for a cache that does not allow null values: raised inside the
 * computation (so MemoLock releases the lock and tells the waiters), then given to the caller as
 * Spring's usual {@link IllegalArgumentException}. Immutable.
 */
final class NullNotAllowedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  NullNotAllowedException(String cacheName) {
    super(
        "Cache '"
            + cacheName
            + "' is configured to not allow null values but null was provided");
  }

  IllegalArgumentException toIllegalArgument() {
    return new IllegalArgumentException(getMessage(), this);
  }
}
