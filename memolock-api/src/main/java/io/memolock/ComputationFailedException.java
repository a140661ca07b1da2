package io.memolock;

import org.jspecify.annotations.Nullable;

/**
 * The computation of a value failed, in this process or in another one.
 *
 * <p>In the process that ran the computation, {@link #getCause()} is the original throwable. In
 * every other process the original cannot be carried over Redis: {@link #getCause()} is {@code
 * null} and {@link #failureClass()} / {@link #failureMessage()} describe it.
 */
public final class ComputationFailedException extends MemoLockException {
  private static final long serialVersionUID = 1L;

  private final String failureClass;
  private final @Nullable String failureMessage;
  private final boolean remote;

  /**
   * @param tag resource tag
   * @param id resource id
   * @param failureClass class name of the original failure
   * @param failureMessage message of the original failure, or {@code null}
   * @param cause the original failure when it was raised in this process, else {@code null}
   */
  public ComputationFailedException(
      String tag,
      String id,
      String failureClass,
      @Nullable String failureMessage,
      @Nullable Throwable cause) {
    super(
        tag,
        id,
        "computation failed"
            + (cause == null ? " in another process" : "")
            + ": "
            + failureClass
            + (failureMessage == null ? "" : ": " + failureMessage),
        cause);
    this.failureClass = failureClass;
    this.failureMessage = failureMessage;
    this.remote = cause == null;
  }

  /** @return the class name of the original failure */
  public String failureClass() {
    return failureClass;
  }

  /** @return the message of the original failure, or {@code null} */
  public @Nullable String failureMessage() {
    return failureMessage;
  }

  /** @return {@code true} when the computation ran in another process */
  public boolean remote() {
    return remote;
  }
}
