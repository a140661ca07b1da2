package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.internal.TestStorage;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class BadInputTest extends RedisFixture {

  @Test
  void nullAndEmptyIdsAndNonPositiveTimeoutsAreRejectedBeforeTouchingRedis() {
    MemoLock<String> lock = memoLock(redis, "query");
    Duration t = Duration.ofSeconds(1);
    assertThrows(NullPointerException.class, () -> lock.get(null, t, l -> Computed.of("x")));
    assertThrows(IllegalArgumentException.class, () -> lock.get("", t, l -> Computed.of("x")));
    assertThrows(
        IllegalArgumentException.class, () -> lock.get("a", Duration.ZERO, l -> Computed.of("x")));
    assertThrows(
        IllegalArgumentException.class,
        () -> lock.get("a", Duration.ofMillis(-5), l -> Computed.of("x")));
    assertThrows(NullPointerException.class, () -> lock.get("a", null, l -> Computed.of("x")));
    assertThrows(NullPointerException.class, () -> lock.get("a", t, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> lock.get("bad\uD800surrogate", t, l -> Computed.of("x")));
    assertThrows(IllegalArgumentException.class, () -> lock.put("a", "v", Duration.ZERO));
    assertTrue(redis.keys("*").isEmpty(), "nothing was written");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a:b", "{slot}", "}{", "line\nbreak", "ünïcödé ✓ 🚀", "tab\there", " "})
  void oddIdsRoundTripUnderTheirExactKeys(String id) {
    MemoLock<String> lock = memoLock(redis, "query");
    assertEquals("v:" + id, lock.get(id, Duration.ofSeconds(5), l -> Computed.of("v:" + id)));
    assertEquals("v:" + id, redis.get("query:" + id));
    assertEquals("v:" + id, lock.get(id, Duration.ofSeconds(5), l -> Computed.of("other")));
    assertEquals(Set.of("query:" + id), redis.keys("*"));
  }

  @Test
  void aComputationReturningNullFailsClearlyAndReleasesTheLock() {
    MemoLock<String> lock = memoLock(redis, "query");
    ComputationFailedException e =
        assertThrows(
            ComputationFailedException.class,
            () -> lock.get("n", Duration.ofSeconds(5), l -> null));
    assertTrue(e.getMessage().contains("returned null"), e.getMessage());
    assertFalse(redis.exists("query/lock:n"));
    assertNull(redis.get("query:n"));
  }

  @Test
  void aValueTheCodecCannotEncodeFailsAsAComputationFailure() {
    MemoLock<String> lock = memoLock(redis, "query");
    ComputationFailedException e =
        assertThrows(
            ComputationFailedException.class,
            () -> lock.get("enc", Duration.ofSeconds(5), l -> Computed.of("bad \uDC00 text")));
    assertInstanceOf(CodecException.class, e.getCause());
    assertFalse(redis.exists("query/lock:enc"));
    assertFalse(redis.exists("query:enc"));
    assertThrows(CodecException.class, () -> lock.put("enc", "\uD800", Duration.ofSeconds(1)));
  }

  @Test
  void bytesAForeignProducerWroteThatAreNotUtf8GiveACodecException() {
    MemoLock<String> lock = memoLock(redis, "query");
    redis.set("query:foreign".getBytes(), new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
    CodecException e =
        assertThrows(
            CodecException.class, () -> lock.get("foreign", Duration.ofSeconds(5), l -> Computed.of("x")));
    assertEquals("foreign", e.id());
    assertThrows(CodecException.class, () -> lock.getIfPresent("foreign"));
    // Redis is left as it was.
    assertEquals(3, redis.get("query:foreign".getBytes()).length);
  }

  @Test
  void aKeyOfTheWrongRedisTypeGivesAClearException() {
    MemoLock<String> lock = memoLock(redis, "query");
    redis.hset("query:h", "field", "value");
    MemoLockException e =
        assertThrows(
            MemoLockException.class, () -> lock.get("h", Duration.ofSeconds(5), l -> Computed.of("x")));
    assertTrue(e.getMessage().contains("wrong Redis type"), e.getMessage());
    assertTrue(
        e.getMessage().contains("key 'query:h' holds a hash where a string is expected"),
        e.getMessage());
    assertEquals("value", redis.hget("query:h", "field"));
  }

  @Test
  void aWrongTypeAtTheLockKeyIsReportedAtOnceInsteadOfWaitedOnForever() {
    MemoLock<String> lock = memoLock(redis, "query");
    redis.rpush("query/lock:w", "not a token"); // no TTL: waiting for it to expire never ends
    MemoLockException e =
        assertThrows(
            MemoLockException.class,
            () -> lock.get("w", Duration.ofSeconds(30), l -> Computed.of("x")));
    assertFalse(e instanceof io.memolock.MemoLockTimeoutException, e.toString());
    assertTrue(
        e.getMessage().contains("key 'query/lock:w' holds a list where a string is expected"),
        e.getMessage());
    assertEquals(java.util.List.of("not a token"), redis.lrange("query/lock:w", 0, -1));
    redis.del("query/lock:w");
    assertEquals("x", lock.get("w", Duration.ofSeconds(5), l -> Computed.of("x")));
  }

  @Test
  void aProtocolKeyOfTheWrongRedisTypeIsNamedToo() {
    MemoLock<String> lock = memoLock(redis, "query");
    redis.rpush("query/fail:f", "not a failure");
    MemoLockException e =
        assertThrows(
            MemoLockException.class, () -> lock.get("f", Duration.ofSeconds(5), l -> Computed.of("x")));
    assertTrue(
        e.getMessage().contains("key 'query/fail:f' holds a list where a string is expected"),
        e.getMessage());
    assertFalse(redis.exists("query:f"));
    assertFalse(redis.exists("query/lock:f"));
  }

  @Test
  void rawBytesRoundTripUnchanged() {
    MemoLock<byte[]> lock =
        track(MemoLock.builder(redis, TestStorage.bytes()).tag("blob").build());
    byte[] bytes = {0, (byte) 0xFF, 10, 13, (byte) 0x80};
    byte[] got = lock.get("b", Duration.ofSeconds(5), l -> Computed.of(bytes.clone()));
    org.junit.jupiter.api.Assertions.assertArrayEquals(bytes, got);
    org.junit.jupiter.api.Assertions.assertArrayEquals(bytes, redis.get("blob:b".getBytes()));
  }

  @Test
  void builderOptionsAreValidatedWhenSetAndSetOnce() {
    var b = builder(redis, "t");
    assertThrows(IllegalStateException.class, () -> b.tag("again"));
    assertThrows(IllegalArgumentException.class, () -> b.lockTimeout(Duration.ofMillis(1)));
    assertThrows(IllegalArgumentException.class, () -> b.defaultTtl(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> b.maxConcurrentCommands(0));
    assertThrows(
        IllegalArgumentException.class,
        () -> MemoLock.builder(redis, TestStorage.utf8()).tag(""));
    assertThrows(
        IllegalStateException.class, () -> MemoLock.builder(redis, TestStorage.utf8()).build());
    b.lockTimeout(Duration.ofSeconds(1));
    assertThrows(IllegalStateException.class, () -> b.lockTimeout(Duration.ofSeconds(2)));
  }
}
