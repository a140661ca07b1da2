package io.memolock.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.Computed;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.SetParams;

/** A near entry never outlives the value in Redis. */
class ExpiryTest extends LocalTierFixture {

  @Test
  void theNearCopyIsGoneByTheTimeRedisSaysTheKeyExpired() throws Exception {
    LocalTier<String> tier = tier(client(), "q", LocalTier.builder().refreshBeta(0));
    tier.get("k", Duration.ofSeconds(5), l -> Computed.of("short", Duration.ofMillis(400)));
    awaitNear(tier, "k");
    // Poll Redis itself: EXISTS expires the key lazily the moment its TTL has passed.
    await("Redis expires the key", () -> !redis.exists("q:k"));
    assertTrue(!impl(tier).isNear("k"), "the near copy expired no later than the value in Redis");
    AtomicInteger runs = new AtomicInteger();
    assertEquals("again", tier.get("k", Duration.ofSeconds(5), l -> {
      runs.incrementAndGet();
      return Computed.of("again", Duration.ofSeconds(60));
    }));
    assertEquals(1, runs.get());
  }

  @Test
  void aValueWithoutTtlStaysNearUntilItChanges() throws Exception {
    LocalTier<String> tier = tier("q");
    redis.set("q:k", "forever");
    awaitNear(tier, "k");
    redis.pexpire("q:k", 200); // a change of TTL is a write: heard, refilled with the new TTL
    await("the TTL change is heard", () -> tier.localMetrics().invalidations() >= 1);
    awaitNear(tier, "k");
    await("Redis expires the key", () -> !redis.exists("q:k"));
    assertTrue(!impl(tier).isNear("k"));
  }

  @Test
  void aKeyThatExpiresWhileItIsReadIsNotKept() throws Exception {
    LocalTier<String> tier = tier("q");
    redis.set("q:k", "v", SetParams.setParams().px(1));
    await("expired", () -> !redis.exists("q:k"));
    assertTrue(tier.getIfPresent("k").isEmpty());
    assertEquals(0, tier.localMetrics().estimatedSize());
  }
}
