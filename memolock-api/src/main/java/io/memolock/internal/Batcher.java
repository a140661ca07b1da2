package io.memolock.internal;

import io.memolock.MemoLockInterruptedException;
import io.memolock.spi.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Reads the values of concurrent callers in batches while the client is saturated. A read that
 * finds a permit free runs at once, alone. One that finds every permit taken joins a queue, and
 * whoever gives a permit back next, after any command of this client, takes up to {@value
 * #MAX_BATCH} queued reads with it: one {@code MGET} (see {@link Storage#readAll}) instead of a
 * round trip, a connection hand-off and a thread wake-up each. A queued read that nobody has taken
 * within {@link #PATIENCE_NANOS} waits for a permit itself and takes the queue along.
 *
 * <p>A batch that fails for any reason (an outage, a wrong type, bytes that do not decode, an
 * Error) completes every read it took with {@link ReadAlone}: each caller then reads with a command
 * of its own, so every failure is reported exactly as without batching, about the caller's own key.
 * A caller interrupted while queued (its own interrupt, or its deadline: see {@link
 * CallerDeadlines}) cancels its read, which later batches skip. Thread-safe.
 *
 * @param <V> the value type
 */
final class Batcher<V> implements Runnable {
  static final int MAX_BATCH = 64;
  static final long PATIENCE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** Completes a queued read whose batch failed: its caller reads with a command of its own. */
  private static final class ReadAlone extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final ReadAlone INSTANCE = new ReadAlone();

    private ReadAlone() {
      super(null, null, false, false);
    }
  }

  /** A read waiting in the queue. */
  private final class ReadRequest {
    final ResourceKeys keys;
    final CompletableFuture<@Nullable V> result = new CompletableFuture<>();

    ReadRequest(ResourceKeys keys) {
      this.keys = keys;
    }
  }

  private final UnifiedJedis redis;
  private final Storage<V> storage;
  private final Commands commands;
  private final String tag;
  private final ConcurrentLinkedQueue<ReadRequest> pending = new ConcurrentLinkedQueue<>();
  final LongAdder batched = new LongAdder();

  Batcher(UnifiedJedis redis, Storage<V> storage, Commands commands, String tag) {
    this.redis = redis;
    this.storage = storage;
    this.commands = commands;
    this.tag = tag;
  }

  @Nullable V read(ResourceKeys keys) {
    if (pending.isEmpty() && commands.tryPermit()) {
      try {
        return commands.callHeld(
            keys.id, () -> Commands.decoding(() -> storage.read(redis, keys.value)));
      } finally {
        commands.releasePermit();
      }
    }
    ReadRequest request = new ReadRequest(keys);
    pending.add(request);
    run();
    while (true) {
      try {
        return request.result.get(PATIENCE_NANOS, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        try {
          commands.acquirePermit();
        } catch (InterruptedException ie) {
          throw interrupted(request, ie);
        }
        try {
          if (!request.result.isDone()) {
            batch();
          }
        } finally {
          commands.releasePermit();
        }
      } catch (ExecutionException e) {
        // the batch failed: read alone, for this caller's own answer
        return commands.call(
            keys.id, () -> Commands.decoding(() -> storage.read(redis, keys.value)));
      } catch (InterruptedException e) {
        throw interrupted(request, e);
      }
    }
  }

  private MemoLockInterruptedException interrupted(ReadRequest request, InterruptedException e) {
    request.result.cancel(false); // a later batch skips it
    Thread.currentThread().interrupt();
    return new MemoLockInterruptedException(tag, request.keys.id, e);
  }

  /** Serves queued reads while a permit is free (after every command of this client). */
  @Override
  public void run() {
    while (!pending.isEmpty() && commands.tryPermit()) {
      try {
        batch();
      } finally {
        commands.releasePermitOnly(); // not releasePermit(): this loop is what it would call
      }
    }
  }

  /** Runs one batch of queued reads under a permit the caller holds. */
  private void batch() {
    List<ReadRequest> batch = new ArrayList<>();
    ReadRequest next;
    while (batch.size() < MAX_BATCH && (next = pending.poll()) != null) {
      if (!next.result.isDone()) {
        batch.add(next);
      }
    }
    if (batch.isEmpty()) {
      return;
    }
    List<byte[]> keys = new ArrayList<>(batch.size());
    for (ReadRequest r : batch) {
      keys.add(r.keys.value);
    }
    List<@Nullable V> values;
    try {
      try {
        values = storage.readAll(redis, keys);
      } catch (JedisConnectionException stale) {
        if (Thread.currentThread().isInterrupted()) {
          throw stale;
        }
        values = storage.readAll(redis, keys); // a stale pooled connection: once more
      }
    } catch (Throwable e) {
      values = null; // whatever went wrong, each caller reads alone and gets its own answer
    }
    if (values == null || values.size() != batch.size()) {
      for (ReadRequest r : batch) {
        r.result.completeExceptionally(ReadAlone.INSTANCE);
      }
      return;
    }
    if (batch.size() > 1) {
      batched.add(batch.size());
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).result.complete(values.get(i));
    }
  }
}
