package io.memolock.internal;

import io.memolock.FailurePolicy;
import io.memolock.spi.KeyScheme;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;

/**
 * Validated options of one MemoLock (see {@code MemoLockBuilder}).
 *
 * @param maxConcurrentCommands 0 for the default
 * @param batchReads whether concurrent first reads of different ids may share round trips
 */
public record Settings(
    String tag,
    Duration lockTimeout,
    Duration defaultTtl,
    KeyScheme keyScheme,
    boolean autoRenew,
    FailurePolicy failurePolicy,
    @Nullable Duration failureTtl,
    int maxConcurrentCommands,
    ThreadFactory threadFactory,
    boolean batchReads) {

  /** Settings with read batching on (the default). */
  public Settings(
      String tag,
      Duration lockTimeout,
      Duration defaultTtl,
      KeyScheme keyScheme,
      boolean autoRenew,
      FailurePolicy failurePolicy,
      @Nullable Duration failureTtl,
      int maxConcurrentCommands,
      ThreadFactory threadFactory) {
    this(
        tag,
        lockTimeout,
        defaultTtl,
        keyScheme,
        autoRenew,
        failurePolicy,
        failureTtl,
        maxConcurrentCommands,
        threadFactory,
        true);
  }
}
