package io.memolock;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Computes many missing resources in one go (one SQL {@code IN} query, one batch call to a
 * service) instead of one call per id. Use it with {@link MemoLock#getAll} through {@link
 * #gathering}: each id this process wins the lock of is still computed under its own lock, with
 * every guarantee of a single-id computation (one computation per id across the fleet, failures
 * and timeouts per id), but the ids won at about the same time are handed to one call.
 *
 * <pre>{@code
 * IdComputation<User> users = BulkComputation.gathering(leases -> {
 *   Map<String, Computed<User>> out = new HashMap<>();
 *   for (User u : db.usersByIds(leases.keySet())) {
 *     out.put(u.id(), Computed.of(u, Duration.ofMinutes(5)));
 *   }
 *   return out; // an id left out fails alone
 * });
 * Map<String, User> found = memoLock.getAll(ids, Duration.ofSeconds(2), users);
 * }</pre>
 *
 * @param <V> the value type
 */
@FunctionalInterface
public interface BulkComputation<V> {

  /** How long the first id of a gathering waits for more, by default. */
  Duration DEFAULT_LINGER = Duration.ofMillis(5);

  /** The most ids one call receives, by default. */
  int DEFAULT_MAX_IDS = 1_000;

  /**
   * Computes the values of the ids this process holds the locks of.
   *
   * @param leases each id with its lease (extend one to keep that id's lock longer), in the order
   *     the locks were won; never empty
   * @return a value (or absence) for each id; an id missing from the map, or mapped to {@code
   *     null}, fails alone with a {@link ComputationFailedException} saying so; ids not asked for
   *     are ignored
   * @throws Exception any failure: every id of this call fails with it, as a single-id
   *     computation's failure does
   */
  Map<String, Computed<V>> compute(Map<String, Lease> leases) throws Exception;

  /**
   * As {@link #gathering(BulkComputation, Duration, int)} with {@link #DEFAULT_LINGER} and {@link
   * #DEFAULT_MAX_IDS}.
   *
   * @param bulk the bulk computation
   * @param <V> the value type
   * @return a computation to pass to {@link MemoLock#getAll} or {@link MemoLock#findAll}
   */
  static <V> IdComputation<V> gathering(BulkComputation<V> bulk) {
    return gathering(bulk, DEFAULT_LINGER, DEFAULT_MAX_IDS);
  }

  /**
   * An {@link IdComputation} that hands the ids won at about the same time to one call of {@code
   * bulk}. The first id to arrive waits until no other has arrived for {@code linger} (at most ten
   * lingers in all), or until {@code maxIds} have, then calls {@code bulk} on its thread with all
   * of them; ids arriving meanwhile gather for the next call. Every id's own thread waits for the
   * call's answer about it. It never waits for an id that may not come (an id another process
   * holds, one already cached), so gathering cannot deadlock; its price is up to one linger of
   * latency on a miss. One instance may serve many callers and many {@code getAll}s at once: their
   * ids gather together. Thread-safe.
   *
   * @param bulk the bulk computation
   * @param linger how long to wait for more ids after the last one, at least 0
   * @param maxIds the most ids in one call, at least 1
   * @param <V> the value type
   * @return a computation to pass to {@link MemoLock#getAll} or {@link MemoLock#findAll}
   * @throws IllegalArgumentException if {@code linger} is negative or {@code maxIds} below 1
   */
  static <V> IdComputation<V> gathering(BulkComputation<V> bulk, Duration linger, int maxIds) {
    Objects.requireNonNull(bulk, "bulk");
    Objects.requireNonNull(linger, "linger");
    if (linger.isNegative()) {
      throw new IllegalArgumentException("linger must not be negative, was " + linger);
    }
    if (maxIds < 1) {
      throw new IllegalArgumentException("maxIds must be at least 1, was " + maxIds);
    }
    return new GatheringComputation<>(bulk, linger.toNanos(), maxIds);
  }
}
