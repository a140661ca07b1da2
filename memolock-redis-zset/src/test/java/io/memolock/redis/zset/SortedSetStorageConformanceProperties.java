package io.memolock.redis.zset;

import io.memolock.spi.Storage;
import io.memolock.storage.conformance.PartialRead;
import io.memolock.storage.conformance.StorageConformance;
import io.memolock.storage.conformance.Texts;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import redis.clients.jedis.UnifiedJedis;

/**
 * The storage conformance suite for {@link SortedSetStorage} with UTF-8 members; partial reads are
 * top-N and score-range reads. Scores favour a few small integers, so ties (ordered by member
 * bytes) are frequent, and include infinities and extremes.
 */
class SortedSetStorageConformanceProperties extends StorageConformance<Map<String, Double>> {
  private static final SortedSetStorage<String> STORAGE = SortedSetStorage.utf8();

  @Override
  protected Storage<Map<String, Double>> storage() {
    return STORAGE;
  }

  static Arbitrary<Double> scores() {
    return Arbitraries.frequencyOf(
        Tuple.of(5, Arbitraries.integers().between(-3, 3).map(Integer::doubleValue)),
        Tuple.of(3, Arbitraries.doubles()),
        Tuple.of(
            1,
            Arbitraries.of(
                Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY,
                Double.MAX_VALUE,
                -Double.MAX_VALUE,
                Double.MIN_VALUE,
                1e-300,
                0.1)));
  }

  @Override
  protected Arbitrary<Map<String, Double>> values() {
    Arbitrary<String> members =
        Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of("a", "ab", "b", "B", "é")), Tuple.of(2, Texts.unicode(12)))
            .filter(m -> !m.equals(SortedSetStorage.EMPTY_MEMBER));
    // -0.0 is stored as 0.0 (documented), so a value holding it would not read back equal.
    return Arbitraries.maps(members, scores().map(s -> s == 0 ? 0.0 : s)).ofMaxSize(15);
  }

  @Override
  protected Map<String, Double> emptyValue() {
    return Map.of();
  }

  @Override
  protected Arbitrary<PartialRead<Map<String, Double>, ?>> partialReads() {
    Arbitrary<PartialRead<Map<String, Double>, ?>> top =
        Arbitraries.integers().between(1, 20).map(SortedSetStorageConformanceProperties::top);
    Arbitrary<PartialRead<Map<String, Double>, ?>> range =
        Combinators.combine(scores(), scores())
            .as((x, y) -> byScore(Math.min(x, y), Math.max(x, y)));
    return Arbitraries.oneOf(top, range);
  }

  private static PartialRead<Map<String, Double>, ?> top(int n) {
    return PartialRead.<Map<String, Double>, List<ScoredMember<String>>>of(
        "top " + n,
        (lock, id) -> STORAGE.view(lock).topIfPresent(id, n),
        (lock, id, timeout, computation) -> STORAGE.view(lock).findTop(id, n, timeout, computation),
        whole -> Ranking.of(whole).stream().limit(n).toList());
  }

  private static PartialRead<Map<String, Double>, ?> byScore(double min, double max) {
    return PartialRead.<Map<String, Double>, List<ScoredMember<String>>>of(
        "scores in [" + min + ", " + max + "]",
        (lock, id) -> STORAGE.view(lock).byScoreIfPresent(id, min, max),
        (lock, id, timeout, computation) ->
            STORAGE.view(lock).findByScore(id, min, max, timeout, computation),
        whole ->
            Ranking.of(whole).stream().filter(m -> m.score() >= min && m.score() <= max).toList());
  }

  @Override
  protected void writeWrongType(UnifiedJedis redis, byte[] key) {
    redis.hset(key, utf8("a"), utf8("a hash where a sorted set belongs"));
  }

  @Override
  protected void writeCorrupt(UnifiedJedis redis, byte[] key) {
    redis.zadd(key, 1, new byte[] {'o', 'k'});
    redis.zadd(key, 2, new byte[] {(byte) 0xC3, (byte) 0x28});
  }

  /** The bytes as a member, beside a valid one; Redis itself refuses scores that are not numbers. */
  @Override
  protected void writeHostile(UnifiedJedis redis, byte[] key, byte[] bytes) {
    redis.zadd(key, 1, utf8("ok"));
    redis.zadd(key, Double.NEGATIVE_INFINITY, bytes);
  }
}
