package io.memolock.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The queue and the drivers shared by the two batchers: {@link Batcher} (first reads of different
 * ids in one {@code MGET}) and {@link CommandPipeline} (any commands, a script of the miss path
 * included, pipelined on one connection). Auto-pipelining in the manner of Lettuce's and
 * Redisson's command batching: a request that finds fewer than {@link #MAX_IN_FLIGHT} batches in
 * flight goes out at once, on its caller's thread, so an idle client pays no added latency;
 * requests that arrive while that many are in flight queue, and the next batch to return takes up
 * to {@link #maxBatch} of them along. The caller that sends a batch (its "driver") keeps sending the
 * queued requests for a few more batches, then hands the queue to a fresh virtual thread, so no
 * caller waits long for others' requests and no queued request waits without a driver.
 *
 * <p>A batch is sent under one permit of {@link #permits} (the bound on a client's concurrent
 * commands, or on one cluster node's), never one per request: a request waiting in the queue holds
 * none. A request cancelled while queued (its caller was interrupted, or its deadline passed) is
 * skipped by later batches. What a batch does and how its failures reach each caller is the
 * subclass's {@link #send}. Thread-safe.
 *
 * @param <R> the request type
 */
abstract class BatchDriver<R extends BatchDriver.Request<?>> {
  /** Batches in flight at once per queue: one returning while the next fills up. */
  static final int MAX_IN_FLIGHT = 2;
  /** Batches a caller sends for others once its own request is answered, before handing over. */
  static final int DRIVES_AFTER_OWN = 2;

  /**
   * One request in the queue.
   *
   * @param <T> what it completes with
   */
  static class Request<T> {
    final CompletableFuture<T> result = new CompletableFuture<>();
  }

  private final int maxBatch;
  private final Semaphore permits;
  private final Function<Runnable, Thread> threads;
  private final ConcurrentLinkedQueue<R> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * @param maxBatch the most requests in one batch
   * @param permits taken once per batch
   * @param threads starts a thread running the given task (for handing the queue over)
   */
  BatchDriver(int maxBatch, Semaphore permits, Function<Runnable, Thread> threads) {
    this.maxBatch = maxBatch;
    this.permits = permits;
    this.threads = threads;
  }

  /**
   * Sends one batch (at least one request) and completes each of its requests, whatever happens.
   *
   * @param own the request of the calling driver, if it is in the batch or still queued; null for
   *     a thread that only drives
   */
  abstract void send(List<R> batch, @Nullable R own);

  /**
   * Queues the request and, if a driver's slot is free, sends batches until its own is answered
   * (and a few more). The caller then waits on {@code request.result}.
   *
   * @throws InterruptedException if the caller was interrupted while waiting for a permit (its
   *     request is then cancelled; its slot passes to a new thread if requests are queued)
   */
  final void submit(R request) throws InterruptedException {
    pending.add(request);
    if (tryDrive()) {
      try {
        drive(request);
      } catch (InterruptedException e) {
        request.result.cancel(false);
        throw e;
      }
    }
  }

  /**
   * Queues the request without sending anything on the calling thread, for callers that must not
   * block (a subscriber's callback): when a driver's slot is free, a new thread takes it and
   * drives; else the drivers in flight take the request along. Its {@code result} completes on a
   * driver's thread.
   */
  final void submitLater(R request) {
    pending.add(request);
    if (tryDrive()) {
      threads.apply(this::driveAlone).start(); // the slot goes with it
    }
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
   * Sends batches from the queue while it has requests, under one driver's slot: waits for a
   * permit, then takes whatever has queued meanwhile (so a saturated client sends full batches).
   * After {@link #DRIVES_AFTER_OWN} batches beyond the caller's own request, hands the slot to a
   * new thread.
   */
  private void drive(@Nullable R own) throws InterruptedException {
    int afterOwn = 0;
    while (true) {
      try {
        permits.acquire();
      } catch (InterruptedException e) {
        handOver();
        throw e;
      }
      List<R> batch;
      try {
        batch = drain();
        if (!batch.isEmpty()) {
          send(batch, own);
        }
      } finally {
        permits.release();
      }
      if (batch.isEmpty()) {
        inFlight.decrementAndGet();
        // A request queued after the drain but before the decrement found every slot taken:
        // take a slot again for it (or let the thread that now holds one serve it).
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

  /** Gives this driver's slot up: to a new thread while requests are queued, else back. */
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

  private List<R> drain() {
    List<R> batch = new ArrayList<>();
    R next;
    while (batch.size() < maxBatch && (next = pending.poll()) != null) {
      if (!next.result.isDone()) {
        batch.add(next);
      }
    }
    return batch;
  }
}
