package io.memolock.internal;

import io.memolock.MemoLockInterruptedException;
import io.memolock.spi.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Shares round trips between the first reads of concurrent callers of different ids, whatever the
 * pool size (auto-pipelining, in the manner of Lettuce's and Redisson's command batching). A read
 * that finds fewer than {@link #MAX_IN_FLIGHT} batches in flight goes out at once, on its caller's
 * thread, so an idle client pays no added latency; reads that arrive while that many are in flight
 * queue, and the next batch to return takes up to {@value #MAX_BATCH} of them along in one {@code
 * MGET} (see {@link Storage#readAll}). The caller that sends a batch (its "driver") keeps sending
 * the queued reads for a few more batches, then hands the queue to a fresh virtual thread, so no
 * caller waits long for others' reads and no queued read waits without a driver.
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
final class Batcher<V> {
  static final int MAX_BATCH = 64;
  /** Batches in flight at once per MemoLock: one returning while the next fills up. */
  static final int MAX_IN_FLIGHT = 2;
  /** Batches a caller sends for others once its own read is answered, before handing over. */
  static final int DRIVES_AFTER_OWN = 2;

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
  private final Function<Runnable, Thread> threads;
  private final ConcurrentLinkedQueue<ReadRequest> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  final LongAdder batched = new LongAdder();

  /**
   * @param threads starts a thread running the given task (for handing the queue over)
   */
  Batcher(
      UnifiedJedis redis,
      Storage<V> storage,
      Commands commands,
      String tag,
      Function<Runnable, Thread> threads) {
    this.redis = redis;
    this.storage = storage;
    this.commands = commands;
    this.tag = tag;
    this.threads = threads;
  }

  @Nullable V read(ResourceKeys keys) {
    ReadRequest request = new ReadRequest(keys);
    pending.add(request);
    if (tryDrive()) {
      try {
        drive(request);
      } catch (InterruptedException e) {
        throw interrupted(request, e);
      }
    }
    try {
      return request.result.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException own && !(own instanceof ReadAlone)) {
        throw own; // this caller's own read, sent alone on its own thread
      }
      // the batch failed: read alone, for this caller's own answer
      return commands.call(keys.id, () -> Commands.decoding(() -> storage.read(redis, keys.value)));
    } catch (InterruptedException e) {
      throw interrupted(request, e);
    }
  }

  private MemoLockInterruptedException interrupted(ReadRequest request, InterruptedException e) {
    request.result.cancel(false); // a later batch skips it
    Thread.currentThread().interrupt();
    return new MemoLockInterruptedException(tag, request.keys.id, e);
  }

  /** @return whether the caller took a driver's slot (fewer than MAX_IN_FLIGHT were taken) */
  private boolean tryDrive() {
    while (true) {
      int n = inFlight.get();
      if (n >= MAX_IN_FLIGHT) {
        return false;
      }
      if (inFlight.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /**
   * Sends batches from the queue while it has reads, under one driver's slot: waits for a permit,
   * then takes whatever has queued meanwhile (so a saturated client sends full batches). After
   * {@link #DRIVES_AFTER_OWN} batches beyond the caller's own read, hands the slot to a new thread.
   *
   * @param own the driver's own read, or null for a thread that only drives
   * @throws InterruptedException if the caller was interrupted while waiting for a permit; its
   *     slot then passes to a new thread if reads are queued
   */
  private void drive(@Nullable ReadRequest own) throws InterruptedException {
    int afterOwn = 0;
    while (true) {
      try {
        commands.acquirePermit();
      } catch (InterruptedException e) {
        handOver();
        throw e;
      }
      List<ReadRequest> batch;
      try {
        batch = drain();
        if (!batch.isEmpty()) {
          send(batch, own);
        }
      } finally {
        commands.releasePermit();
      }
      if (batch.isEmpty()) {
        inFlight.decrementAndGet();
        // A read queued after the drain but before the decrement found every slot taken: take
        // a slot again for it (or let the thread that now holds one serve it).
        if (pending.isEmpty() || !tryDrive()) {
          return;
        }
        continue;
      }
      if ((own == null || own.result.isDone()) && ++afterOwn > DRIVES_AFTER_OWN) {
        handOver();
        return;
      }
    }
  }

  /** Gives this driver's slot up: to a new thread while reads are queued, else back. */
  private void handOver() {
    if (pending.isEmpty()) {
      inFlight.decrementAndGet();
      if (pending.isEmpty() || !tryDrive()) {
        return;
      }
    }
    threads.apply(this::driveAlone).start(); // the slot goes with it
  }

  private void driveAlone() {
    try {
      drive(null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // nobody interrupts a hand-over thread but the JVM's end
    }
  }

  private List<ReadRequest> drain() {
    List<ReadRequest> batch = new ArrayList<>();
    ReadRequest next;
    while (batch.size() < MAX_BATCH && (next = pending.poll()) != null) {
      if (!next.result.isDone()) {
        batch.add(next);
      }
    }
    return batch;
  }

  /** Sends one batch and completes each of its reads, whatever happens. */
  private void send(List<ReadRequest> batch, @Nullable ReadRequest own) {
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
