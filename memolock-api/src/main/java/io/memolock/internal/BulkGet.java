package io.memolock.internal;

import io.memolock.Computation;
import io.memolock.IdComputation;
import io.memolock.MemoLockClosedException;
import io.memolock.MemoLockInterruptedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The engine's bulk get ({@code getAll}, {@code findAll}): hits in one round trip, each miss
 * through its own flight, all misses at once.
 *
 * <ol>
 *   <li>The ids are checked and made distinct before anything is sent ({@link
 *       BulkCalls#distinct}).
 *   <li><b>Hits.</b> When the storage {@linkplain io.memolock.spi.Storage#readsInBatches reads in
 *       batches}, the values are read with its {@code readAll} (one {@code MGET} for the Strings
 *       storage), at most {@link #MAX_KEYS_PER_READ} keys per command, on the caller's thread
 *       under the call's deadline (see {@link CallerDeadlines}). On a cluster client the keys are
 *       grouped by hash slot first, since a multi-key command must not span slots; a key alone in
 *       its slot (the usual case under the cluster key scheme, one hash tag per resource) is read
 *       by its own flight instead, which costs the same one command. A batch that fails in any way
 *       (an outage, bytes that do not decode) is not an answer: its ids go on to their flights,
 *       which read alone and get the answer about their own key, as {@link Batcher} does.
 *   <li><b>Misses</b>, and ids not read in step 2, each go through the usual single-id request
 *       ({@link Engine#request}): joined to this process's flight of that id if one exists, else
 *       a new one, which goes straight to the lock when step 2 has just seen the value missing
 *       (no second read). So coalescing with other callers here and elsewhere, one computation
 *       per id across the fleet, wake-up by Pub/Sub, failures and timeouts hold per id as for
 *       {@code get}. They run concurrently ({@link BulkCalls#run}), one thread each.
 * </ol>
 *
 * Thread-safe (one instance per engine, no state of its own).
 *
 * @param <V> the value type
 */
final class BulkGet<V> {
  /** Keys in one {@code readAll}: big enough for one round trip, small enough not to stall Redis. */
  static final int MAX_KEYS_PER_READ = 512;

  private final Engine<V> engine;
  private final EngineContext<V> ctx;

  BulkGet(Engine<V> engine, EngineContext<V> ctx) {
    this.engine = engine;
    this.ctx = ctx;
  }

  /** Every distinct id's answer (see the class comment); the caller turns it into a map. */
  BulkCalls.Answers<V> fetch(
      Collection<String> ids, Duration timeout, IdComputation<V> computation) {
    Objects.requireNonNull(computation, "computation");
    BulkCalls.requirePositive(timeout);
    List<String> distinct = BulkCalls.distinct(ids);
    ResourceKeys[] keys = new ResourceKeys[distinct.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = ctx.keys(distinct.get(i));
    }
    if (ctx.closed) {
      throw new MemoLockClosedException(ctx.tag, null);
    }
    BulkCalls.Answers<V> answers = new BulkCalls.Answers<>(ctx.tag, distinct);
    long start = System.nanoTime();
    long deadline = start + Bytes.saturatedNanos(timeout);
    boolean[] missed = new boolean[keys.length];
    readHits(keys, answers, missed, deadline);
    int[] rest = new int[keys.length];
    int n = 0;
    for (int i = 0; i < keys.length; i++) {
      if (answers.values[i] == null) {
        rest[n++] = i;
      }
    }
    BulkCalls.run(
        answers,
        Arrays.copyOf(rest, n),
        deadline,
        timeout,
        ctx.settings.threadFactory(),
        p -> {
          String id = distinct.get(p);
          Computation<V> ofId = lease -> computation.compute(id, lease);
          return engine.request(keys[p], timeout, start, deadline, ofId, null, missed[p]);
        });
    return answers;
  }

  /**
   * Step 2: reads the values of as many ids as the storage can read together; records hits in
   * {@code answers} and ids seen missing in {@code missed}, leaves every other id unanswered.
   *
   * @throws MemoLockInterruptedException when the caller is interrupted (nothing is started yet)
   */
  private void readHits(
      ResourceKeys[] keys, BulkCalls.Answers<V> answers, boolean[] missed, long deadline) {
    if (!ctx.storage.readsInBatches()) {
      return; // every id reads alone, in its flight
    }
    List<int[]> batches = batches(keys);
    if (batches.isEmpty()) {
      return;
    }
    CallerDeadlines.Armed armed = ctx.shared.deadlines.arm(deadline);
    try {
      for (int[] batch : batches) {
        if (!readBatch(keys, batch, answers, missed, armed)) {
          return; // the deadline passed: the flights report the timeouts
        }
      }
    } finally {
      armed.disarm(); // clears the deadline's interrupt, if it fired
    }
  }

  /** @return {@code false} when the call's deadline has passed */
  private boolean readBatch(
      ResourceKeys[] keys,
      int[] batch,
      BulkCalls.Answers<V> answers,
      boolean[] missed,
      CallerDeadlines.Armed armed) {
    List<byte[]> names = new ArrayList<>(batch.length);
    for (int p : batch) {
      names.add(keys[p].value);
    }
    List<@Nullable V> values;
    try {
      values =
          ctx.commands.call(
              keys[batch[0]].id,
              () -> Commands.decoding(() -> ctx.storage.readAll(ctx.redis, names)));
    } catch (MemoLockInterruptedException e) {
      if (armed.fired()) {
        return false;
      }
      throw e; // the caller's own interrupt
    } catch (RuntimeException e) {
      // Not an answer about any one id (an outage, one value that does not decode, a storage's
      // bug): each of these ids reads alone in its flight and gets the answer about its own key.
      return !armed.fired();
    }
    if (values == null || values.size() != batch.length) {
      return !armed.fired(); // a storage breaking readAll's contract: read alone, as above
    }
    int hits = 0;
    for (int k = 0; k < batch.length; k++) {
      V value = values.get(k);
      if (value != null) {
        answers.values[batch[k]] = Optional.of(value);
        hits++;
      } else {
        missed[batch[k]] = true;
      }
    }
    ctx.counters.hits.add(hits);
    return !armed.fired();
  }

  /**
   * The positions read together: on a standalone client all of them, in chunks; on a cluster
   * client those sharing a hash slot with another, per slot, in chunks. Positions alone in their
   * group are left to their flights.
   */
  private List<int[]> batches(ResourceKeys[] keys) {
    Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
    boolean cluster = ctx.redis instanceof RedisClusterClient;
    for (int i = 0; i < keys.length; i++) {
      int group = cluster ? JedisClusterCRC16.getSlot(keys[i].value) : 0;
      groups.computeIfAbsent(group, g -> new ArrayList<>()).add(i);
    }
    List<int[]> batches = new ArrayList<>();
    for (List<Integer> group : groups.values()) {
      if (group.size() < 2) {
        continue;
      }
      for (int from = 0; from < group.size(); from += MAX_KEYS_PER_READ) {
        List<Integer> chunk = group.subList(from, Math.min(group.size(), from + MAX_KEYS_PER_READ));
        batches.add(chunk.stream().mapToInt(Integer::intValue).toArray());
      }
    }
    return batches;
  }
}
