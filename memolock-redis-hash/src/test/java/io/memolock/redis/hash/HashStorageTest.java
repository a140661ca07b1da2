package io.memolock.redis.hash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.CodecException;
import io.memolock.ComputationFailedException;
import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.storage.conformance.CommandLog;
import io.memolock.storage.conformance.PubSub;
import java.nio.charset.StandardCharsets;
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

class HashStorageTest extends RedisFixture {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final HashStorage<String> storage = HashStorage.utf8();

  private MemoLock<Map<String, String>> memoLock(RedisClient client) {
    return track(MemoLock.builder(client, storage).tag("profile").build());
  }

  @Test
  void theLayoutIsOneHashWithTheMarkerFieldAndTheComputationsTtl() {
    MemoLock<Map<String, String>> lock = memoLock(redis);
    lock.get(
        "kristoff",
        TIMEOUT,
        l -> Computed.of(Map.of("name", "Kristoff", "city", "Arendelle"), Duration.ofSeconds(7)));
    assertEquals(Set.of("profile:kristoff"), redis.keys("*"), "one key, no lock left behind");
    assertEquals("hash", redis.type("profile:kristoff"));
    Map<String, String> raw = redis.hgetAll("profile:kristoff");
    assertEquals(Map.of("\0memolock", "1", "name", "Kristoff", "city", "Arendelle"), raw);
    long pttl = redis.pttl("profile:kristoff");
    assertTrue(pttl > 6_000 && pttl <= 7_000, "PTTL " + pttl);
  }

  @Test
  void anEmptyMapIsAHashWithOnlyTheMarker() {
    MemoLock<Map<String, String>> lock = memoLock(redis);
    assertEquals(Map.of(), lock.get("nobody-home", TIMEOUT, l -> Computed.of(Map.of())));
    assertEquals(Map.of("\0memolock", "1"), redis.hgetAll("profile:nobody-home"));
    assertEquals(Optional.of(Map.of()), lock.getIfPresent("nobody-home"));
  }

  @Test
  void aWriteReplacesTheWholeHash() {
    MemoLock<Map<String, String>> lock = memoLock(redis);
    lock.put("k", Map.of("old", "1", "kept", "x"), Duration.ofSeconds(10));
    lock.put("k", Map.of("kept", "y"), Duration.ofSeconds(10));
    assertEquals(Map.of("\0memolock", "1", "kept", "y"), redis.hgetAll("profile:k"));
  }

  @Test
  void manyFieldsAreWrittenInBatchesAndReadBack() {
    MemoLock<Map<String, String>> lock = memoLock(redis);
    Map<String, String> big = new HashMap<>();
    for (int i = 0; i < 2_345; i++) {
      big.put("field-" + i, "value-" + i);
    }
    assertEquals(big, lock.get("big", TIMEOUT, l -> Computed.of(big)));
    assertEquals(big.size() + 1, redis.hlen("profile:big"));
    assertEquals(Optional.of(big), memoLock(client()).getIfPresent("big"));
  }

  @Test
  void aFieldReadIssuesOnlyOneHmgetOfThoseFields() throws Exception {
    MemoLock<Map<String, String>> lock = memoLock(redis);
    HashView<String> view = storage.view(lock);
    Map<String, String> profile = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      profile.put("f" + i, "v" + i);
    }
    lock.get("p", TIMEOUT, l -> Computed.of(profile));
    view.fieldsIfPresent("p", Set.of("f1")); // warm the pool's connection
    AtomicInteger computations = new AtomicInteger();
    try (CommandLog log = CommandLog.start(REDIS)) {
      List<String> one =
          log.during(
              () ->
                  assertEquals(
                      Optional.of(Map.of("f7", "v7")),
                      view.fieldsIfPresent("p", List.of("f7"))));
      assertEquals(List.of("\"HMGET\" \"profile:p\" \"\\x00memolock\" \"f7\""), one);

      List<String> few =
          log.during(
              () ->
                  assertEquals(
                      Optional.of(Map.of("f1", "v1", "f2", "v2")),
                      view.findFields(
                          "p",
                          List.of("f1", "f2", "missing"),
                          TIMEOUT,
                          l -> {
                            computations.incrementAndGet();
                            return Computed.of(Map.of());
                          })));
      assertEquals(
          List.of("\"HMGET\" \"profile:p\" \"\\x00memolock\" \"f1\" \"f2\" \"missing\""), few);

      List<String> whole = log.during(() -> lock.getIfPresent("p"));
      assertEquals(List.of("\"HGETALL\" \"profile:p\""), whole);
    }
    assertEquals(0, computations.get());
  }

  @Test
  void aFieldReadOfAColdHashComputesTheWholeHashOnceAcrossInstances() throws Exception {
    MemoLock<Map<String, String>> a = memoLock(redis);
    MemoLock<Map<String, String>> b = memoLock(client());
    AtomicInteger computations = new AtomicInteger();
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Optional<Map<String, String>>>> reads =
          List.of(
              executor.submit(() -> storage.view(a).findFields("u", Set.of("name"), TIMEOUT, l -> slow(computations))),
              executor.submit(() -> storage.view(b).findFields("u", Set.of("city"), TIMEOUT, l -> slow(computations))),
              executor.submit(() -> storage.view(b).findFields("u", Set.of("name", "city"), TIMEOUT, l -> slow(computations))));
      assertEquals(Optional.of(Map.of("name", "Anna")), reads.get(0).get(5, TimeUnit.SECONDS));
      assertEquals(Optional.of(Map.of("city", "Arendelle")), reads.get(1).get(5, TimeUnit.SECONDS));
      assertEquals(
          Optional.of(Map.of("name", "Anna", "city", "Arendelle")),
          reads.get(2).get(5, TimeUnit.SECONDS));
    }
    assertEquals(1, computations.get());
  }

  private static Computed<Map<String, String>> slow(AtomicInteger computations)
      throws InterruptedException {
    computations.incrementAndGet();
    Thread.sleep(50);
    return Computed.of(Map.of("name", "Anna", "city", "Arendelle", "bio", "long text"));
  }

  @Test
  void aForeignProducerWritingTheDocumentedLayoutWakesOurWaiter() throws Exception {
    MemoLock<Map<String, String>> lock = memoLock(redis);
    redis.set("profile/lock:x", "another-language", SetParams.setParams().px(5_000));
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Optional<Map<String, String>>> waiter =
          executor.submit(
              () ->
                  storage
                      .view(lock)
                      .findFields("x", Set.of("name"), TIMEOUT, l -> Computed.of(Map.of())));
      PubSub.awaitSubscriber(redis, "profile/notif:x");
      try (RedisClient foreign = client()) {
        foreign.hset("profile:x", Map.of("\0memolock", "1", "name", "Elsa"));
        foreign.pexpire("profile:x", 10_000);
        foreign.publish("profile/notif:x", "");
      }
      assertEquals(Optional.of(Map.of("name", "Elsa")), waiter.get(5, TimeUnit.SECONDS));
    }
    assertEquals(0, lock.metrics().computations());
  }

  @Test
  void aHashWithoutTheMarkerWasNotWrittenInOurLayout() {
    MemoLock<Map<String, String>> lock = memoLock(redis);
    redis.hset("profile:plain", "name", "Olaf");
    CodecException e =
        assertThrows(CodecException.class, () -> lock.get("plain", TIMEOUT, l -> Computed.of(Map.of())));
    assertTrue(e.getMessage().contains("no \"\\0memolock\" marker field"), e.getMessage());
    assertThrows(CodecException.class, () -> lock.getIfPresent("plain"));
    assertThrows(
        CodecException.class, () -> storage.view(lock).fieldsIfPresent("plain", Set.of("name")));
    redis.hset("profile:future", Map.of("\0memolock", "2", "name", "Sven"));
    CodecException version =
        assertThrows(CodecException.class, () -> lock.getIfPresent("future"));
    assertTrue(version.getMessage().contains("layout version '2'"), version.getMessage());
    assertEquals(Map.of("name", "Olaf"), redis.hgetAll("profile:plain"), "left as it was");
  }

  @Test
  void theMarkerFieldNameIsReservedAndNullsAreRefused() {
    MemoLock<Map<String, String>> lock = memoLock(redis);
    ComputationFailedException e =
        assertThrows(
            ComputationFailedException.class,
            () -> lock.get("r", TIMEOUT, l -> Computed.of(Map.of("\0memolock", "2"))));
    assertInstanceOf(CodecException.class, e.getCause());
    assertFalse(redis.exists("profile:r"));
    assertFalse(redis.exists("profile/lock:r"));
    assertThrows(
        CodecException.class, () -> lock.put("r", Map.of("\0memolock", "x"), Duration.ofSeconds(1)));
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("name", null);
    assertThrows(CodecException.class, () -> lock.put("r", nullValue, Duration.ofSeconds(1)));
    HashView<String> view = storage.view(lock);
    assertThrows(IllegalArgumentException.class, () -> view.fieldsIfPresent("r", Set.of("\0memolock")));
    assertThrows(IllegalArgumentException.class, () -> view.fieldsIfPresent("r", Set.of("bad\uD800")));
    assertTrue(redis.keys("*").isEmpty());
  }

  @Test
  void rawByteFieldsRoundTrip() {
    HashStorage<byte[]> bytes = HashStorage.of(io.memolock.spi.Codec.bytes());
    MemoLock<Map<String, byte[]>> lock = track(MemoLock.builder(redis, bytes).tag("blob").build());
    byte[] data = {0, (byte) 0xFF, 13, 10};
    lock.get("b", TIMEOUT, l -> Computed.of(Map.of("data", data.clone())));
    assertArrayEquals(data, bytes.view(lock).fieldsIfPresent("b", Set.of("data")).orElseThrow().get("data"));
    assertArrayEquals(
        data, redis.hget("blob:b".getBytes(StandardCharsets.UTF_8), "data".getBytes(StandardCharsets.UTF_8)));
  }
}
