package io.memolock;

import org.jspecify.annotations.Nullable;

/**
 * The one unchecked exception family thrown by MemoLock. Every instance names the resource tag and
 * id it concerns (either may be {@code null} for failures that concern no single resource, such as
 * an invalid builder option).
 */
public class MemoLockException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String tag;
  private final @Nullable String id;

  /**
   * Creates an exception about one resource.
   *
   * @param tag the resource tag, or {@code null}
   * @param id the resource id, or {@code null}
   * @param message what went wrong
   * @param cause the underlying failure, or {@code null}
   */
  public MemoLockException(
      @Nullable String tag, @Nullable String id, String message, @Nullable Throwable cause) {
    super(describe(tag, id, message), cause);
    this.tag = tag;
    this.id = id;
  }

  /** @return the resource tag this failure concerns, or {@code null} */
  public @Nullable String tag() {
    return tag;
  }

  /** @return the resource id this failure concerns, or {@code null} */
  public @Nullable String id() {
    return id;
  }

  private static String describe(@Nullable String tag, @Nullable String id, String message) {
    if (tag == null && id == null) {
      return message;
    }
    return "[" + tag + ":" + id + "] " + message;
  }
}
