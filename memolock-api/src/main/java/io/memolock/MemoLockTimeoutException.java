package io.memolock;

import java.time.Duration;

/** The caller's timeout passed before a value was available. */
public final class MemoLockTimeoutException extends MemoLockException {
  private static final long serialVersionUID = 1L;

  private final Duration timeout;

  /**
   * @param tag resource tag
   * @param id resource id
   * @param timeout the timeout the caller gave
   * @param phase what the caller was doing when the time ran out
   */
  public MemoLockTimeoutException(String tag, String id, Duration timeout, String phase) {
    super(tag, id, "timed out after " + timeout.toMillis() + " ms " + phase, null);
    this.timeout = timeout;
  }

  /** @return the timeout the caller gave */
  public Duration timeout() {
    return timeout;
  }
}
