package io.memolock.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.redis.strings.StringStorage;
import io.memolock.testkit.TestRedis;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The near cache on the oldest supported Redis: the 6.2 binary embedded-redis ships, started explicitly (the other
 * tests run on the {@code redis-server} on PATH). {@code CLIENT TRACKING ... BCAST PREFIX} and the {@code HELLO 2}
 * of the subscriber it redirects to are what this tier needs from the server.
 */
class OldestRedisTest {

  @Test
  void nearHitsAndAForeignWritersInvalidationOnRedis62() throws Exception {
    TestRedis redis = TestRedis.startEmbedded();
    try (RedisClient client = redis.newClient();
        RedisClient foreign = redis.newClient();
        MemoLock<String> remote =
            MemoLock.builder(client, StringStorage.utf8()).tag("old").lockTimeout(Duration.ofSeconds(5)).build();
        LocalTier<String> tier = LocalTier.builder().wrap(remote)) {
      assertTrue(foreign.info("server").contains("redis_version:6.2."));
      await("the near cache serves", () -> tier.localMetrics().active());
      assertEquals("v1", tier.get("k", Duration.ofSeconds(5), l -> Computed.of("v1", Duration.ofSeconds(60))));
      await("a near hit", () -> {
        long before = tier.localMetrics().hits();
        return tier.getIfPresent("k").equals(Optional.of("v1")) && tier.localMetrics().hits() > before;
      });
      foreign.set("old:k", "v2");
      await("the foreign write reaches the near cache", () -> tier.getIfPresent("k").equals(Optional.of("v2")));
      assertTrue(tier.localMetrics().invalidations() >= 1, tier.localMetrics().toString());
    } finally {
      redis.stop();
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 5 s: " + what);
      }
      Thread.sleep(5);
    }
  }
}
