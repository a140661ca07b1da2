package io.memolock;

/**
 * {@link MemoLock#get} found the resource cached as absent: a computation (here or in another
 * process) returned {@link Computed#absent()}. Use {@link MemoLock#find} to receive an absence as
 * {@code Optional.empty()} instead. Redis keeps the absence until its time to live passes or the
 * resource is {@linkplain MemoLock#invalidate invalidated} or {@linkplain MemoLock#put put}.
 */
public final class AbsentValueException extends MemoLockException {
  private static final long serialVersionUID = 1L;

  /**
   * @param tag resource tag
   * @param id resource id
   */
  public AbsentValueException(String tag, String id) {
    super(tag, id, "the resource is absent (cached as absent by its computation)", null);
  }
}
