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
    ThreadFactory threadFactory) {}
