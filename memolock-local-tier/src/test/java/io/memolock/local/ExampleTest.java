package io.memolock.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.redis.strings.StringStorage;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The examples of LocalTier's Javadoc and docs/local-tier.md, compiled and run. */
class ExampleTest extends LocalTierFixture {

  @Test
  void theDocumentedExampleWorks() throws Exception {
    RedisClient redis = client();
    // --- as documented
    try (LocalTier<String> queries =
        LocalTier.builder()
            .maximumSize(10_000)
            .wrap(MemoLock.builder(redis, StringStorage.utf8()).tag("query").build())) {
      String likes =
          queries.get(
              "kristoff",
              Duration.ofSeconds(10),
              lease -> Computed.of(runQuery("kristoff"), Duration.ofMinutes(1)));
      // ---
      assertEquals("42 likes", likes);
      LocalTierMetrics m = queries.localMetrics();
      assertEquals(1, m.remote().computations());
    }
  }

  private static String runQuery(String who) {
    return "42 likes";
  }
}
