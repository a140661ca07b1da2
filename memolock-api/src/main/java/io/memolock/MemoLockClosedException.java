package io.memolock;

import org.jspecify.annotations.Nullable;

/** The MemoLock was closed, before or while the caller waited. */
public final class MemoLockClosedException extends MemoLockException {
  private static final long serialVersionUID = 1L;

  /**
   * @param tag resource tag
   * @param id resource id, or {@code null}
   */
  public MemoLockClosedException(String tag, @Nullable String id) {
    super(tag, id, "the MemoLock is closed", null);
  }
}
