package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A TTL is either stored or refused with a clear error, never returned as if stored. */
class TtlLimitsTest extends RedisFixture {
  private static final Duration TOO_LONG = Duration.ofMillis(Long.MAX_VALUE);

  @Test
  void ttlsRedisWouldRefuseAreRefusedWhereTheyAreSet() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Computed.of("v", TOO_LONG));
    assertTrue(e.getMessage().contains("MAX_TTL"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Computed.absent(TOO_LONG));
    assertThrows(
        IllegalArgumentException.class, () -> builder(redis, "query").defaultTtl(TOO_LONG));
    assertThrows(
        IllegalArgumentException.class, () -> builder(redis, "query").failureTtl(TOO_LONG));
    assertThrows(
        IllegalArgumentException.class, () -> builder(redis, "query").lockTimeout(TOO_LONG));
    assertThrows(
        IllegalArgumentException.class,
        () -> builder(redis, "query").defaultTtl(Duration.ofSeconds(Long.MAX_VALUE)));
  }

  @Test
  void putWithAnOverflowingTtlIsAnIllegalArgumentNotAnArithmeticException() {
    MemoLock<String> lock = memoLock(redis, "query");
    assertThrows(
        IllegalArgumentException.class,
        () -> lock.put("p", "v", Duration.ofSeconds(Long.MAX_VALUE)));
    assertThrows(IllegalArgumentException.class, () -> lock.put("p", "v", TOO_LONG));
    assertFalse(redis.exists("query:p"));
  }

  @Test
  void aComputationChoosingAnImpossibleTtlFailsAndReleasesTheLockInsteadOfReturningUnstored() {
    MemoLock<String> lock = memoLock(redis, "query");
    ComputationFailedException e =
        assertThrows(
            ComputationFailedException.class,
            () -> lock.get("t", Duration.ofSeconds(5), l -> Computed.of("v", TOO_LONG)));
    assertInstanceOf(IllegalArgumentException.class, e.getCause());
    assertFalse(redis.exists("query/lock:t"), "released at once");
    assertFalse(redis.exists("query:t"));
  }

  @Test
  void theLongestTtlAllowedIsStoredAsSuch() {
    MemoLock<String> lock = memoLock(redis, "query");
    assertEquals("v", lock.get("max", Duration.ofSeconds(5), l -> Computed.of("v", Computed.MAX_TTL)));
    long pttl = redis.pttl("query:max");
    assertTrue(pttl > Computed.MAX_TTL.toMillis() - 60_000, "PTTL " + pttl);
    lock.put("max2", "w", Computed.MAX_TTL);
    assertTrue(redis.pttl("query:max2") > Computed.MAX_TTL.toMillis() - 60_000);
  }
}
