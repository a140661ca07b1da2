package io.memolock;

import io.memolock.internal.BulkCalls;
import io.memolock.spi.Storage;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * Distributed memoization with promises: a cache of values of one resource type (one tag) in Redis,
 * where a missing value is computed by exactly one caller in the whole fleet while the others wait
 * for it and are woken by Redis Pub/Sub.
 *
 * <p>Instances are thread-safe and meant to be shared. Every blocking method blocks only the calling
 * thread and never pins a virtual thread's carrier.
 *
 * <p>Example:
 *
 * <pre>{@code
 * try (RedisClient redis = RedisClient.create("127.0.0.1", 6379);
 *     MemoLock<String> queries = MemoLock.builder(redis, StringStorage.utf8())
 *         .tag("query")
 *         .lockTimeout(Duration.ofSeconds(5))
 *         .build()) {
 *   String likes = queries.get("kristoff", Duration.ofSeconds(10),
 *       lease -> Computed.of(runQuery("kristoff"), Duration.ofSeconds(5)));
 * }
 * }</pre>
 *
 * @param <V> the value type
 */
public interface MemoLock<V> extends AutoCloseable {

  /**
   * Starts a builder.
   *
   * @param redis the Redis client ({@code RedisClient} or {@code RedisClusterClient}); it is shared,
   *     not owned: closing the MemoLock does not close it
   * @param storage how values are held in Redis
   * @param <V> the value type
   * @return a new builder
   */
  static <V> MemoLockBuilder<V> builder(UnifiedJedis redis, Storage<V> storage) {
    return new MemoLockBuilder<>(redis, storage);
  }

  /**
   * Returns the value of {@code id}, computing it if no process has it and none is computing it.
   * When another caller, in this process or another, is computing it, waits for its notification.
   *
   * @param id the resource id, not empty
   * @param timeout how long to wait at most, positive
   * @param computation computes the value when this caller wins the lock
   * @return the value
   * @throws AbsentValueException when the computation (here or elsewhere, now or within the
   *     absence's time to live) reported the resource {@linkplain Computed#absent() absent}; see
   *     {@link #find}
   * @throws MemoLockTimeoutException when {@code timeout} passes first
   * @throws ComputationFailedException when the computation failed (here or elsewhere)
   * @throws MemoLockInterruptedException when the thread is interrupted (its flag is set again)
   * @throws MemoLockClosedException when the MemoLock is or gets closed
   * @throws CodecException when stored bytes cannot be decoded
   * @throws MemoLockException when Redis fails or holds the key with the wrong type
   * @throws IllegalArgumentException for an empty or malformed id or a non-positive timeout
   * @throws NullPointerException for a null argument
   */
  V get(String id, Duration timeout, Computation<V> computation);

  /**
   * Like {@link #get}, for resources that may not exist: a resource the computation reported
   * {@linkplain Computed#absent() absent} (here or in another process, now or earlier within the
   * absence's time to live) is returned as {@code Optional.empty()}. An absence is cached and
   * announced to waiters like a value, so missing resources do not cause stampedes either.
   *
   * @param id the resource id, not empty
   * @param timeout how long to wait at most, positive
   * @param computation computes the value, or {@link Computed#absent()}, when this caller wins
   *     the lock
   * @return the value, or empty if the resource is absent
   * @throws MemoLockException as {@link #get} does, except {@link AbsentValueException}
   */
  Optional<V> find(String id, Duration timeout, Computation<V> computation);

  /**
   * Returns the values of several ids at once, as if by one {@link #get} per id, all of them
   * concurrently, under one timeout for the whole call.
   *
   * <ul>
   *   <li><b>The map</b> has one entry per distinct id, in the order of {@code ids} (an id given
   *       twice is asked for, and computed, once); it is unmodifiable.
   *   <li><b>Hits in one round trip:</b> the MemoLock built by {@link #builder} reads the cached
   *       values together (one {@code MGET} on a standalone Redis with the Strings storage, per
   *       slot on a cluster); storages that cannot read several values at once are read one id at
   *       a time, concurrently.
   *   <li><b>Each miss</b> is a {@code get} of its own: under that id's lock, coalesced with the
   *       other callers of the id in this process and elsewhere, computed once across the fleet by
   *       {@code computation} (told the id), waiters woken by the notification. The misses run
   *       concurrently, so many cold ids take about one computation's time.
   *   <li><b>Failures are per id:</b> when any id fails (its computation failed, it is absent, it
   *       was still pending when {@code timeout} passed...), the call waits for the others, then
   *       throws a {@link BulkGetException} with the failure of each failed id and the values of
   *       the others.
   *   <li><b>An interrupt</b> ends the whole call: every pending id is given up (as an interrupted
   *       {@code get} gives up: a computation already running finishes and stores its value) and
   *       nothing of the call is left running when it throws.
   * </ul>
   *
   * <p>The default implementation runs one {@link #find} per id, concurrently on virtual threads.
   *
   * @param ids the resource ids, none null or empty; may be empty
   * @param timeout how long the whole call may take at most, positive
   * @param computation computes the value of an id this caller wins the lock of
   * @return the value of each distinct id, in the order of {@code ids}
   * @throws BulkGetException when one or more ids failed (each failure as {@link #get} would
   *     throw it, {@link AbsentValueException} included)
   * @throws MemoLockInterruptedException when the thread is interrupted (its flag is set again)
   * @throws MemoLockClosedException when the MemoLock is closed at the call (closed during it,
   *     each id still pending fails with one, in a {@link BulkGetException})
   * @throws IllegalArgumentException for a null, empty or malformed id (naming its position) or a
   *     non-positive timeout, before anything is sent to Redis
   * @throws NullPointerException for a null argument
   */
  default Map<String, V> getAll(
      Collection<String> ids, Duration timeout, IdComputation<V> computation) {
    return BulkCalls.getEach(this, ids, timeout, computation);
  }

  /**
   * Like {@link #getAll}, for resources that may not exist, as {@link #find} is to {@link #get}:
   * an absent resource is an empty {@code Optional} in the map, not a failure.
   *
   * @param ids the resource ids, none null or empty; may be empty
   * @param timeout how long the whole call may take at most, positive
   * @param computation computes the value, or {@link Computed#absent()}, of an id this caller
   *     wins the lock of
   * @return the value (or empty, if absent) of each distinct id, in the order of {@code ids}
   * @throws MemoLockException as {@link #getAll} does, never with an {@link AbsentValueException}
   */
  default Map<String, Optional<V>> findAll(
      Collection<String> ids, Duration timeout, IdComputation<V> computation) {
    return BulkCalls.findEach(this, ids, timeout, computation);
  }

  /**
   * Like {@link #get}, but the value is produced outside this process: the lock winner runs {@code
   * trigger} to start an external producer, then everyone (the winner included) waits for the
   * value to be published. If no value arrives within the lock timeout, the lock expires and the
   * next caller to take it runs its trigger again.
   *
   * @param id the resource id, not empty
   * @param timeout how long to wait at most, positive
   * @param trigger starts the producer
   * @return the value
   * @throws MemoLockException as {@link #get} does, including {@link AbsentValueException} when
   *     the producer stored an absence
   */
  V getExternal(String id, Duration timeout, Trigger trigger);

  /**
   * Reads the value if Redis has it, without computing or waiting. One Redis round trip.
   *
   * @param id the resource id
   * @return the value, or empty when Redis has none or holds the resource as absent
   * @throws MemoLockException when Redis fails or the bytes cannot be decoded
   */
  Optional<V> getIfPresent(String id);

  /**
   * Reads a part of the value if Redis has it, without computing or waiting: the hook through
   * which storage modules offer partial reads (a Hash's fields, a Sorted Set's top N) that fetch
   * only that part. Most applications use those storages' typed views instead (for example {@code
   * HashStorage.view(memoLock)}), which fall back to {@link #find} on a miss.
   *
   * <p>The reader runs on the calling thread with this MemoLock's client, the value key of {@code
   * id} (as named by the key scheme), and the same bound on concurrent commands and the same
   * error translation as every other command: a key of the wrong Redis type gives a {@link
   * MemoLockException} naming the key, a {@link CodecException} from the reader gets this
   * resource's tag and id.
   *
   * @param id the resource id
   * @param reader reads the part; returns {@code null} when the value key does not exist
   * @param <R> what the reader returns
   * @return what the reader read, or empty when Redis has no value (also when it holds the
   *     resource as absent)
   * @throws MemoLockException when Redis fails, the key holds the wrong type, or the bytes cannot
   *     be decoded
   */
  <R> Optional<R> readIfPresent(String id, Storage.Reader<R> reader);

  /**
   * Stores a value and notifies every waiter (in every process) of it: a producer's way to fulfil a
   * promise. Replaces a cached absence. Does not touch the lock.
   *
   * @param id the resource id
   * @param value the value
   * @param ttl its time to live, at least one millisecond
   * @throws MemoLockException when Redis fails or the value cannot be encoded
   */
  void put(String id, V value, Duration ttl);

  /**
   * Deletes the value (or the cached absence), so that the next request computes it again. A
   * computation in progress is not affected.
   *
   * @param id the resource id
   * @throws MemoLockException when Redis fails
   */
  void invalidate(String id);

  /** @return a snapshot of this MemoLock's counters */
  Metrics metrics();

  /** @return the resource tag (the key prefix) */
  String tag();

  /**
   * Closes this MemoLock: every caller still waiting fails at once with a {@link
   * MemoLockClosedException}, running computations are interrupted, and the shared subscriber
   * connection is released when no other MemoLock on the same client uses it. Does not close the
   * Redis client. Idempotent.
   */
  @Override
  void close();
}
