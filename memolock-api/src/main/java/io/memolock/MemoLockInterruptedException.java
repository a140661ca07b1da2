package io.memolock;

/**
 * The calling thread was interrupted while waiting. The thread's interrupt flag is set again before
 * this exception is thrown, and the caller's wait has been unregistered.
 */
public final class MemoLockInterruptedException extends MemoLockException {
  private static final long serialVersionUID = 1L;

  /**
   * @param tag resource tag
   * @param id resource id
   * @param cause the interruption
   */
  public MemoLockInterruptedException(String tag, String id, InterruptedException cause) {
    super(tag, id, "interrupted while waiting", cause);
  }
}
