package io.memolock;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * {@link BulkComputation#gathering}: the ids won at about the same time, handed to one bulk call.
 *
 * <p>Ids gather in an open {@link Batch}. The first id's thread leads it: it waits, under the lock's
 * condition, until no id has arrived for a linger (or ten lingers passed since the batch opened, or
 * the batch is full), closes it (the next id opens a new one), and runs the bulk computation
 * outside the lock. Every thread of the batch, the leader's included, then takes its own id's
 * answer from the batch's result. Nothing blocks under the lock but the leader's timed wait on its
 * condition (a {@link ReentrantLock}, so no virtual thread pins).
 *
 * @param <V> the value type
 */
final class GatheringComputation<V> implements IdComputation<V> {
  private final BulkComputation<V> bulk;
  private final long lingerNanos;
  private final int maxIds;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  /** Guarded by {@link #lock}. */
  private @Nullable Batch<V> open;

  private static final class Batch<V> {
    final Map<String, Lease> leases = new LinkedHashMap<>();
    final CompletableFuture<Map<String, Computed<V>>> result = new CompletableFuture<>();
    final long openedAt = System.nanoTime();
    long lastArrival = openedAt;
  }

  GatheringComputation(BulkComputation<V> bulk, long lingerNanos, int maxIds) {
    this.bulk = bulk;
    this.lingerNanos = lingerNanos;
    this.maxIds = maxIds;
  }

  @Override
  public Computed<V> compute(String id, Lease lease) throws Exception {
    Batch<V> batch = null;
    boolean leader = false;
    lock.lock();
    try {
      batch = open;
      if (batch == null || batch.leases.containsKey(id)) {
        batch = new Batch<>(); // the same id twice: a new flight of it, in the next call
        open = batch;
        leader = true;
      }
      batch.leases.put(id, lease);
      batch.lastArrival = System.nanoTime();
      if (batch.leases.size() >= maxIds) {
        open = null; // full: the next id opens a new batch
      }
      arrived.signalAll();
      if (leader) {
        gather(batch);
      }
    } catch (InterruptedException e) {
      // The leader's wait was interrupted (the MemoLock is closing): the batch is closed, and its
      // other ids must not wait for a call that will not come.
      java.util.Objects.requireNonNull(batch).result.completeExceptionally(
          new IllegalStateException("the gathering of a bulk computation was interrupted", e));
      throw e;
    } finally {
      lock.unlock();
    }
    if (leader) {
      run(batch);
    }
    return answer(batch, id);
  }

  /** The leader's wait, under the lock: until quiet for a linger, ten lingers, or full. */
  private void gather(Batch<V> batch) throws InterruptedException {
    try {
      while (open == batch) {
        long now = System.nanoTime();
        long quietFor = batch.lastArrival + lingerNanos - now;
        long maxFor = batch.openedAt + 10 * lingerNanos - now;
        long wait = Math.min(quietFor, maxFor);
        if (wait <= 0) {
          break;
        }
        arrived.awaitNanos(wait);
      }
    } finally {
      if (open == batch) {
        open = null; // closed: later ids gather for the next call
      }
    }
  }

  private void run(Batch<V> batch) {
    try {
      Map<String, Computed<V>> computed =
          bulk.compute(Collections.unmodifiableMap(new LinkedHashMap<>(batch.leases)));
      if (computed == null) {
        throw new IllegalStateException("the bulk computation returned null instead of a map");
      }
      batch.result.complete(computed);
    } catch (Throwable t) { // every id of the batch fails with it, whatever it is
      batch.result.completeExceptionally(t);
    }
  }

  private Computed<V> answer(Batch<V> batch, String id) throws Exception {
    Map<String, Computed<V>> computed;
    try {
      computed = batch.result.get(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception x) {
        throw x;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
    Computed<V> mine = computed.get(id);
    if (mine == null) {
      throw new IllegalStateException(
          "the bulk computation returned no value for id '" + id + "' (it was asked for "
              + batch.leases.size() + " ids)");
    }
    return mine;
  }
}
