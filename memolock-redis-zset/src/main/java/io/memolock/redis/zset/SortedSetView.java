package io.memolock.redis.zset;

import io.memolock.Computation;
import io.memolock.MemoLock;
import io.memolock.spi.Storage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import redis.clients.jedis.params.ZRangeParams;
import redis.clients.jedis.resps.Tuple;

/**
 * Reads the top N members, or the members in a score range, of a sorted set without reading (or
 * decoding) the rest. Made by {@link SortedSetStorage#view(MemoLock)}. Thread-safe.
 *
 * <p>Results are lists by descending score, ties by descending member bytes (Redis's {@code
 * ZRANGE ... REV} order), whether read from Redis or taken from a value just computed.
 *
 * <p>Example:
 *
 * <pre>{@code
 * SortedSetStorage<String> storage = SortedSetStorage.utf8();
 * MemoLock<Map<String, Double>> boards = MemoLock.builder(redis, storage).tag("board").build();
 * Optional<List<ScoredMember<String>>> podium =
 *     storage.view(boards).findTop("chess", 3, Duration.ofSeconds(5), lease -> loadScores());
 * }</pre>
 *
 * @param <M> the member type
 */
public final class SortedSetView<M> {
  private final MemoLock<Map<M, Double>> memoLock;
  private final SortedSetStorage<M> storage;

  SortedSetView(MemoLock<Map<M, Double>> memoLock, SortedSetStorage<M> storage) {
    this.memoLock = memoLock;
    this.storage = storage;
  }

  /**
   * Reads the {@code n} highest-scored members if Redis has the set, without computing or
   * waiting: one {@code ZRANGE key 0 n-1 REV WITHSCORES}, nothing else.
   *
   * @param id the resource id
   * @param n how many members at most, at least 1
   * @return the top members, or empty when Redis has no value or holds the resource as absent
   * @throws IllegalArgumentException if n is less than 1
   * @throws io.memolock.MemoLockException when Redis fails, the key holds another type, or the
   *     bytes cannot be decoded
   */
  public Optional<List<ScoredMember<M>>> topIfPresent(String id, int n) {
    return memoLock.readIfPresent(id, top(n));
  }

  /**
   * Reads the {@code n} highest-scored members; on a miss computes (or waits for) the whole set as
   * {@link MemoLock#find} does, and returns its top members. A hit costs one {@code ZRANGE}.
   *
   * @param id the resource id
   * @param n how many members at most, at least 1
   * @param timeout how long to wait at most, positive
   * @param computation computes the whole set when this caller wins the lock
   * @return the top members, or empty when the resource is absent
   * @throws IllegalArgumentException if n is less than 1
   * @throws io.memolock.MemoLockException as {@link MemoLock#find} does
   */
  public Optional<List<ScoredMember<M>>> findTop(
      String id, int n, Duration timeout, Computation<Map<M, Double>> computation) {
    Storage.Reader<List<ScoredMember<M>>> reader = top(n);
    return readOrFind(
        id,
        reader,
        timeout,
        computation,
        whole -> {
          List<ScoredMember<M>> ranked = storage.ranked(whole);
          return List.copyOf(ranked.subList(0, Math.min(n, ranked.size())));
        });
  }

  /**
   * Reads the members with {@code min <= score <= max} if Redis has the set, without computing or
   * waiting: one {@code ZRANGE key max min BYSCORE REV WITHSCORES} (plus one {@code EXISTS} when no
   * member is in range, to tell an empty range from a missing set).
   *
   * @param id the resource id
   * @param min the lowest score, inclusive; may be {@code -Infinity}
   * @param max the highest score, inclusive; may be {@code +Infinity}
   * @return the members in range, or empty when Redis has no value or holds the resource as absent
   * @throws IllegalArgumentException if a bound is NaN or min is greater than max
   * @throws io.memolock.MemoLockException when Redis fails, the key holds another type, or the
   *     bytes cannot be decoded
   */
  public Optional<List<ScoredMember<M>>> byScoreIfPresent(String id, double min, double max) {
    return memoLock.readIfPresent(id, byScore(min, max));
  }

  /**
   * Reads the members with {@code min <= score <= max}; on a miss computes (or waits for) the whole
   * set as {@link MemoLock#find} does, and returns those members of it.
   *
   * @param id the resource id
   * @param min the lowest score, inclusive
   * @param max the highest score, inclusive
   * @param timeout how long to wait at most, positive
   * @param computation computes the whole set when this caller wins the lock
   * @return the members in range, or empty when the resource is absent
   * @throws IllegalArgumentException if a bound is NaN or min is greater than max
   * @throws io.memolock.MemoLockException as {@link MemoLock#find} does
   */
  public Optional<List<ScoredMember<M>>> findByScore(
      String id,
      double min,
      double max,
      Duration timeout,
      Computation<Map<M, Double>> computation) {
    Storage.Reader<List<ScoredMember<M>>> reader = byScore(min, max);
    return readOrFind(
        id,
        reader,
        timeout,
        computation,
        whole ->
            storage.ranked(whole).stream()
                .filter(m -> m.score() >= min && m.score() <= max)
                .toList());
  }

  private Optional<List<ScoredMember<M>>> readOrFind(
      String id,
      Storage.Reader<List<ScoredMember<M>>> reader,
      Duration timeout,
      Computation<Map<M, Double>> computation,
      java.util.function.Function<Map<M, Double>, List<ScoredMember<M>>> part) {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(computation, "computation");
    Optional<List<ScoredMember<M>>> read = memoLock.readIfPresent(id, reader);
    if (read.isPresent()) {
      return read;
    }
    return memoLock.find(id, timeout, computation).map(part);
  }

  private Storage.Reader<List<ScoredMember<M>>> top(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1, was " + n);
    }
    ZRangeParams range = ZRangeParams.zrangeParams(0L, n - 1L).rev();
    return (redis, key) -> {
      List<Tuple> tuples = redis.zrangeWithScores(key, range);
      return tuples.isEmpty() ? null : List.copyOf(storage.decode(tuples));
    };
  }

  private Storage.Reader<List<ScoredMember<M>>> byScore(double min, double max) {
    if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
      throw new IllegalArgumentException("need min <= max, was [" + min + ", " + max + "]");
    }
    // With REV, Redis takes the range from max down to min: the first bound is the highest.
    ZRangeParams range = ZRangeParams.zrangeByScoreParams(max, min).rev();
    return (redis, key) -> {
      List<Tuple> tuples = redis.zrangeWithScores(key, range);
      if (tuples.isEmpty()) {
        return redis.exists(key) ? List.of() : null;
      }
      return List.copyOf(storage.decode(tuples));
    };
  }

  @Override
  public String toString() {
    return "SortedSetView[" + memoLock.tag() + "]";
  }
}
