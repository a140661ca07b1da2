package io.memolock;

/**
 * The computation's lock is no longer held by it: it expired, or another process took it over. A
 * lease cannot be extended once lost.
 */
public final class LeaseLostException extends MemoLockException {
  private static final long serialVersionUID = 1L;

  /**
   * @param tag resource tag
   * @param id resource id
   */
  public LeaseLostException(String tag, String id) {
    super(tag, id, "the lock lease was lost (expired or taken over)", null);
  }
}
