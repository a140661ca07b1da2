package io.memolock;

import org.jspecify.annotations.Nullable;

/**
 * A value could not be encoded, or bytes read from Redis could not be decoded (for example bytes
 * written by a foreign producer in another format). Redis is left as it was.
 */
public final class CodecException extends MemoLockException {
  private static final long serialVersionUID = 1L;

  /**
   * @param tag resource tag, or {@code null} when raised by a codec outside a MemoLock
   * @param id resource id, or {@code null}
   * @param message what could not be encoded or decoded
   * @param cause the codec's failure, or {@code null}
   */
  public CodecException(
      @Nullable String tag, @Nullable String id, String message, @Nullable Throwable cause) {
    super(tag, id, message, cause);
  }
}
