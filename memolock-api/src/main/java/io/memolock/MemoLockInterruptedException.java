package io.memolock;

import org.jspecify.annotations.Nullable;

/**
 * The calling thread was interrupted while waiting. The thread's interrupt flag is set again before
 * this exception is thrown, and the caller's wait has been unregistered.
 */
public final class MemoLockInterruptedException extends MemoLockException {
  private static final long serialVersionUID = 1L;

  /**
   * @param tag resource tag
   * @param id resource id, or {@code null} for a call about several ids ({@link MemoLock#getAll})
   * @param cause the interruption
   */
  public MemoLockInterruptedException(String tag, @Nullable String id, InterruptedException cause) {
    super(tag, id, "interrupted while waiting", cause);
  }
}
