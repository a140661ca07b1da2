package io.memolock.internal;

import io.memolock.MemoLockInterruptedException;
import io.memolock.spi.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Shares round trips between the first reads of concurrent callers of different ids, whatever the
 * pool size: reads that arrive while {@link BatchDriver#MAX_IN_FLIGHT} batches are in flight
 * queue, and the next batch takes up to {@value #MAX_BATCH} of them along in one {@code MGET} (see
 * {@link Storage#readAll}); a lone read goes out at once, on its caller's thread (the queue and
 * its drivers: {@link BatchDriver}). Standalone clients only: a cluster refuses an {@code MGET}
 * across slots, so there reads are pipelined per node instead ({@link CommandPipeline}).
 *
 * <p>Why it pays: a round trip, a connection hand-off, a permit and a thread wake-up per read are
 * what cost Redis and the client most on the hit path; one {@code MGET} of 64 keys costs Redis
 * about what three {@code GET}s do. With many connections, reads no longer queue for a connection,
 * so batching must not wait for saturation: it only waits for a round trip already in flight.
 *
 * <p>Errors stay per caller: a batch of one is a plain read (so its errors are exactly those of a
 * read without batching), and a batch that fails in any way (an outage, a wrong type, bytes that do
 * not decode, an Error) completes each of its reads with {@link ReadAlone}, and each caller reads
 * with a command of its own, getting the answer about its own key. A caller interrupted while
 * queued (its own interrupt, or its deadline: see {@link CallerDeadlines}) cancels its read, which
 * later batches skip. Thread-safe.
 *
 * @param <V> the value type
 */
final class Batcher<V> extends BatchDriver<Batcher<V>.ReadRequest> {
  static final int MAX_BATCH = 64;

  /** Completes a queued read whose batch failed: its caller reads with a command of its own. */
  private static final class ReadAlone extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final ReadAlone INSTANCE = new ReadAlone();

    private ReadAlone() {
      super(null, null, false, false);
    }
  }

  /** A read waiting in the queue. */
  final class ReadRequest extends BatchDriver.Request<@Nullable V> {
    final ResourceKeys keys;

    ReadRequest(ResourceKeys keys) {
      this.keys = keys;
    }
  }

  private final UnifiedJedis redis;
  private final Storage<V> storage;
  private final Commands commands;
  private final String tag;
  final LongAdder batched = new LongAdder();

  /**
   * @param threads starts a thread running the given task (for handing the queue over)
   */
  Batcher(
      UnifiedJedis redis,
      Storage<V> storage,
      Commands commands,
      String tag,
      java.util.concurrent.Semaphore permits,
      Function<Runnable, Thread> threads) {
    super(MAX_BATCH, permits, threads);
    this.redis = redis;
    this.storage = storage;
    this.commands = commands;
    this.tag = tag;
  }

  @Nullable V read(ResourceKeys keys) {
    ReadRequest request = new ReadRequest(keys);
    try {
      submit(request);
      return request.result.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException own && !(own instanceof ReadAlone)) {
        throw own; // this caller's own read, sent alone on its own thread
      }
      // the batch failed: read alone, for this caller's own answer
      return commands.call(keys.id, () -> Commands.decoding(() -> storage.read(redis, keys.value)));
    } catch (InterruptedException e) {
      request.result.cancel(false); // a later batch skips it
      Thread.currentThread().interrupt();
      throw new MemoLockInterruptedException(tag, keys.id, e);
    }
  }

  /** Sends one batch and completes each of its reads, whatever happens. */
  @Override
  void send(List<ReadRequest> batch, @Nullable ReadRequest own) {
    if (batch.size() == 1) {
      sendAlone(batch.get(0), batch.get(0) == own);
      return;
    }
    List<@Nullable V> values;
    try {
      values = readAll(batch);
    } catch (Throwable e) {
      values = null; // whatever went wrong, each caller reads alone and gets its own answer
    }
    if (values == null || values.size() != batch.size()) {
      for (ReadRequest r : batch) {
        r.result.completeExceptionally(ReadAlone.INSTANCE);
      }
      return;
    }
    batched.add(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).result.complete(values.get(i));
    }
  }

  /**
   * A batch of one is a plain read. Its failure is the caller's own answer when the read is the
   * driver's own; another caller's read that fails is sent back to read alone, so that an
   * interrupt or deadline of the driver's never reaches a caller it does not belong to.
   */
  private void sendAlone(ReadRequest r, boolean own) {
    try {
      r.result.complete(
          commands.callHeld(
              r.keys.id, () -> Commands.decoding(() -> storage.read(redis, r.keys.value))));
    } catch (RuntimeException e) {
      r.result.completeExceptionally(own ? e : ReadAlone.INSTANCE);
    }
  }

  private List<@Nullable V> readAll(List<ReadRequest> batch) {
    List<byte[]> keys = new ArrayList<>(batch.size());
    for (ReadRequest r : batch) {
      keys.add(r.keys.value);
    }
    return commands.callHeld(
        batch.get(0).keys.id,
        () -> {
          try {
            return storage.readAll(redis, keys);
          } catch (JedisConnectionException stale) {
            if (Thread.currentThread().isInterrupted()) {
              throw stale;
            }
            return storage.readAll(redis, keys); // a stale pooled connection: once more
          }
        });
  }
}
