package io.memolock.redis.zset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.CodecException;
import io.memolock.ComputationFailedException;
import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.spi.Codec;
import io.memolock.storage.conformance.CommandLog;
import io.memolock.storage.conformance.PubSub;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.params.ZRangeParams;
import redis.clients.jedis.resps.Tuple;

class SortedSetStorageTest extends RedisFixture {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final SortedSetStorage<String> storage = SortedSetStorage.utf8();

  private MemoLock<Map<String, Double>> memoLock(RedisClient client) {
    return track(MemoLock.builder(client, storage).tag("board").build());
  }

  private static Map<String, Double> leaderboard(int size) {
    Map<String, Double> scores = new HashMap<>();
    for (int i = 0; i < size; i++) {
      scores.put("player-" + i, (double) (i * 7 % size));
    }
    return scores;
  }

  @Test
  void theLayoutIsOneSortedSetWithTheComputationsTtl() {
    MemoLock<Map<String, Double>> lock = memoLock(redis);
    lock.get(
        "chess",
        TIMEOUT,
        l -> Computed.of(Map.of("anna", 3.5, "elsa", 7.0), Duration.ofSeconds(7)));
    assertEquals(Set.of("board:chess"), redis.keys("*"), "one key, no lock left behind");
    assertEquals("zset", redis.type("board:chess"));
    assertEquals(
        List.of(new Tuple("elsa", 7.0), new Tuple("anna", 3.5)),
        redis.zrangeWithScores("board:chess", ZRangeParams.zrangeParams(0, -1).rev()));
    long pttl = redis.pttl("board:chess");
    assertTrue(pttl > 6_000 && pttl <= 7_000, "PTTL " + pttl);
  }

  @Test
  void anEmptySetHoldsOnlyTheSentinelWhichReadersIgnore() {
    MemoLock<Map<String, Double>> lock = memoLock(redis);
    assertEquals(Map.of(), lock.get("none", TIMEOUT, l -> Computed.of(Map.of())));
    assertEquals(
        List.of(new Tuple("\0memolock:empty", 0.0)), redis.zrangeWithScores("board:none", 0, -1));
    assertEquals(Optional.of(Map.of()), lock.getIfPresent("none"));
    assertEquals(Optional.of(List.of()), storage.view(lock).topIfPresent("none", 3));
    assertEquals(
        Optional.of(List.of()),
        storage.view(lock).byScoreIfPresent("none", Double.NEGATIVE_INFINITY, 0));
    assertEquals(Optional.empty(), storage.view(lock).byScoreIfPresent("missing", 0, 1));
  }

  @Test
  void readsOrderByDescendingScoreThenDescendingMemberBytes() {
    MemoLock<Map<String, Double>> lock = memoLock(redis);
    Map<String, Double> value =
        Map.of("a", 1.0, "ab", 1.0, "b", 1.0, "top", Double.POSITIVE_INFINITY, "neg", -0.0,
            "zero", 0.0, "bottom", Double.NEGATIVE_INFINITY);
    lock.put("ties", value, Duration.ofSeconds(10));
    Map<String, Double> read = memoLock(client()).getIfPresent("ties").orElseThrow();
    assertEquals(List.of("top", "b", "ab", "a", "zero", "neg", "bottom"), List.copyOf(read.keySet()));
    assertEquals(0.0, read.get("neg"), "-0.0 is stored as 0");
    assertEquals(
        List.of(
            new ScoredMember<>("top", Double.POSITIVE_INFINITY),
            new ScoredMember<>("b", 1.0),
            new ScoredMember<>("ab", 1.0)),
        storage.view(lock).topIfPresent("ties", 3).orElseThrow());
    assertEquals(
        List.of(new ScoredMember<>("zero", 0.0), new ScoredMember<>("neg", 0.0)),
        storage.view(lock).byScoreIfPresent("ties", -0.5, 0.5).orElseThrow());
  }

  @Test
  void aTopNReadIssuesOnlyOneZrangeOfThoseMembers() throws Exception {
    MemoLock<Map<String, Double>> lock = memoLock(redis);
    SortedSetView<String> view = storage.view(lock);
    lock.get("big", TIMEOUT, l -> Computed.of(leaderboard(1_000)));
    view.topIfPresent("big", 1); // warm the pool's connection
    AtomicInteger computations = new AtomicInteger();
    try (CommandLog log = CommandLog.start(REDIS)) {
      List<String> top =
          log.during(
              () ->
                  assertEquals(
                      List.of(
                          new ScoredMember<>("player-857", 999.0),
                          new ScoredMember<>("player-714", 998.0),
                          new ScoredMember<>("player-571", 997.0)),
                      view.findTop(
                              "big",
                              3,
                              TIMEOUT,
                              l -> {
                                computations.incrementAndGet();
                                return Computed.of(Map.of());
                              })
                          .orElseThrow()));
      assertEquals(List.of("\"ZRANGE\" \"board:big\" \"0\" \"2\" \"REV\" \"WITHSCORES\""), top);

      List<String> range =
          log.during(
              () ->
                  assertEquals(
                      2, view.byScoreIfPresent("big", 10, 11).orElseThrow().size()));
      assertEquals(
          List.of("\"ZRANGE\" \"board:big\" \"11.0\" \"10.0\" \"BYSCORE\" \"REV\" \"WITHSCORES\""),
          range);
    }
    assertEquals(0, computations.get());
  }

  @Test
  void aTopNReadOfAColdSetComputesTheWholeSetOnceAcrossInstances() throws Exception {
    MemoLock<Map<String, Double>> a = memoLock(redis);
    MemoLock<Map<String, Double>> b = memoLock(client());
    AtomicInteger computations = new AtomicInteger();
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Optional<List<ScoredMember<String>>>> top1 =
          executor.submit(() -> storage.view(a).findTop("cold", 1, TIMEOUT, l -> slow(computations)));
      Future<Optional<List<ScoredMember<String>>>> top2 =
          executor.submit(() -> storage.view(b).findTop("cold", 2, TIMEOUT, l -> slow(computations)));
      Future<Optional<List<ScoredMember<String>>>> low =
          executor.submit(
              () -> storage.view(b).findByScore("cold", 0, 1.5, TIMEOUT, l -> slow(computations)));
      assertEquals(Optional.of(List.of(new ScoredMember<>("c", 3.0))), top1.get(5, TimeUnit.SECONDS));
      assertEquals(
          Optional.of(List.of(new ScoredMember<>("c", 3.0), new ScoredMember<>("b", 2.0))),
          top2.get(5, TimeUnit.SECONDS));
      assertEquals(Optional.of(List.of(new ScoredMember<>("a", 1.0))), low.get(5, TimeUnit.SECONDS));
    }
    assertEquals(1, computations.get());
  }

  private static Computed<Map<String, Double>> slow(AtomicInteger computations)
      throws InterruptedException {
    computations.incrementAndGet();
    Thread.sleep(50);
    return Computed.of(Map.of("a", 1.0, "b", 2.0, "c", 3.0));
  }

  @Test
  void manyMembersAreWrittenInBatchesAndReadBack() {
    MemoLock<Map<String, Double>> lock = memoLock(redis);
    Map<String, Double> big = leaderboard(2_345);
    assertEquals(big, lock.get("many", TIMEOUT, l -> Computed.of(big)));
    assertEquals(big.size(), redis.zcard("board:many"));
    assertEquals(Optional.of(big), memoLock(client()).getIfPresent("many"));
  }

  @Test
  void aForeignProducerWritingTheDocumentedLayoutWakesOurWaiter() throws Exception {
    MemoLock<Map<String, Double>> lock = memoLock(redis);
    redis.set("board/lock:x", "another-language", SetParams.setParams().px(5_000));
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Optional<List<ScoredMember<String>>>> waiter =
          executor.submit(
              () -> storage.view(lock).findTop("x", 1, TIMEOUT, l -> Computed.of(Map.of())));
      PubSub.awaitSubscriber(redis, "board/notif:x");
      try (RedisClient foreign = client()) {
        foreign.zadd("board:x", Map.of("olaf", 2.0, "sven", 9.0));
        foreign.pexpire("board:x", 10_000);
        foreign.publish("board/notif:x", "");
      }
      assertEquals(
          Optional.of(List.of(new ScoredMember<>("sven", 9.0))), waiter.get(5, TimeUnit.SECONDS));
    }
    assertEquals(0, lock.metrics().computations());
  }

  @Test
  void badMembersAndScoresAreRefusedAndRedisIsLeftClean() {
    MemoLock<Map<String, Double>> lock = memoLock(redis);
    ComputationFailedException e =
        assertThrows(
            ComputationFailedException.class,
            () -> lock.get("r", TIMEOUT, l -> Computed.of(Map.of("\0memolock:empty", 1.0))));
    assertInstanceOf(CodecException.class, e.getCause());
    assertFalse(redis.exists("board/lock:r"));
    assertThrows(CodecException.class, () -> lock.put("r", Map.of("x", Double.NaN), Duration.ofSeconds(1)));
    Map<String, Double> nullScore = new HashMap<>();
    nullScore.put("x", null);
    assertThrows(CodecException.class, () -> lock.put("r", nullScore, Duration.ofSeconds(1)));
    // Two members that encode alike (a lossy codec) would silently merge in Redis.
    SortedSetStorage<String> caseless =
        SortedSetStorage.of(
            new Codec<>() {
              @Override
              public byte[] encode(String value) {
                return Codec.utf8().encode(value.toLowerCase(java.util.Locale.ROOT));
              }

              @Override
              public String decode(byte[] bytes) {
                return Codec.utf8().decode(bytes);
              }
            });
    MemoLock<Map<String, Double>> lossy =
        track(MemoLock.builder(redis, caseless).tag("board").build());
    Map<String, Double> clash = new LinkedHashMap<>();
    clash.put("Anna", 1.0);
    clash.put("anna", 2.0);
    assertThrows(CodecException.class, () -> lossy.put("r", clash, Duration.ofSeconds(1)));
    SortedSetView<String> view = storage.view(lock);
    assertThrows(IllegalArgumentException.class, () -> view.topIfPresent("r", 0));
    assertThrows(IllegalArgumentException.class, () -> view.byScoreIfPresent("r", 2, 1));
    assertThrows(IllegalArgumentException.class, () -> view.byScoreIfPresent("r", Double.NaN, 1));
    assertTrue(redis.keys("*").isEmpty());
  }
}
