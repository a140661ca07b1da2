package io.memolock.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.AbsentValueException;
import io.memolock.BulkGetException;
import io.memolock.ComputationFailedException;
import io.memolock.Computed;
import io.memolock.IdComputation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

/** The tier's bulk get: near hits answered here, the rest one bulk get of the wrapped MemoLock. */
class BulkNearTest extends LocalTierFixture {
  private static final Duration LONG = Duration.ofSeconds(10);
  private static final IdComputation<String> COMPUTE = (id, lease) -> Computed.of("v-" + id);

  @Test
  void nearHitsAreAnsweredHereAndTheRestInOneRoundTripThenKeptNear() throws Exception {
    LocalTier<String> tier = tier("nb");
    redis.set("nb:a", "cached-a");
    redis.set("nb:b", "cached-b");
    // The SETs' own invalidations first: arriving after a fill, they would drop its near copy.
    await("the SETs' invalidations are heard", () -> tier.localMetrics().invalidations() >= 2);
    awaitNear(tier, "a");
    long hits = tier.localMetrics().hits();
    long mgets = calls(redis, "mget");
    Map<String, String> values = tier.getAll(List.of("a", "b", "c", "a"), LONG, COMPUTE);
    assertEquals(List.of("a", "b", "c"), new ArrayList<>(values.keySet()));
    assertEquals(List.of("cached-a", "cached-b", "v-c"), new ArrayList<>(values.values()));
    assertEquals(1, calls(redis, "mget") - mgets, "b and c: one MGET; a: near");
    assertEquals(hits + 1, tier.localMetrics().hits());

    // b is kept near by a bulk get's fill
    await(
        "b kept near by a bulk get",
        () -> {
          tier.getAll(List.of("b"), LONG, COMPUTE);
          return impl(tier).isNear("b");
        });
    long before = calls(redis, "get", "mget", "pttl", "eval", "evalsha");
    assertEquals(
        Map.of("a", "cached-a", "b", "cached-b"), tier.getAll(List.of("a", "b"), LONG, COMPUTE));
    assertEquals(
        before, calls(redis, "get", "mget", "pttl", "eval", "evalsha"), "all near: no command");
  }

  @Test
  void failuresAndAbsencesArePerIdAndANearHitIsAmongTheValues() throws Exception {
    LocalTier<String> tier = tier("nb");
    redis.set("nb:a", "cached-a");
    await("the SET's invalidation is heard", () -> tier.localMetrics().invalidations() >= 1);
    awaitNear(tier, "a");
    IdComputation<String> computation =
        (id, lease) ->
            switch (id) {
              case "gone" -> Computed.absent(Duration.ofMinutes(1));
              case "bad" -> throw new IllegalStateException("bad today");
              default -> Computed.of("v-" + id);
            };
    BulkGetException e =
        assertThrows(
            BulkGetException.class,
            () -> tier.getAll(List.of("a", "gone", "bad", "ok"), LONG, computation));
    assertEquals(List.of("gone", "bad"), new ArrayList<>(e.failures().keySet()));
    assertInstanceOf(AbsentValueException.class, e.failures().get("gone"));
    assertInstanceOf(ComputationFailedException.class, e.failures().get("bad"));
    assertEquals(Map.of("a", "cached-a", "ok", "v-ok"), e.<String>values());

    Map<String, Optional<String>> found =
        tier.findAll(List.of("gone", "a", "ok"), LONG, computation);
    assertEquals(
        List.of(Optional.empty(), Optional.of("cached-a"), Optional.of("v-ok")),
        new ArrayList<>(found.values()));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> tier.getAll(List.of("a", ""), LONG, computation))
            .getMessage()
            .contains("ids[1]"));
  }

  /** @return the calls of these commands the server has run (INFO commandstats) */
  @SuppressWarnings("deprecation")
  private static long calls(UnifiedJedis redis, String... commands) {
    Object reply = redis.sendCommand(Protocol.Command.INFO, "commandstats");
    String info =
        reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
    long sum = 0;
    for (String command : commands) {
      Matcher m = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(info);
      if (m.find()) {
        sum += Long.parseLong(m.group(1));
      }
    }
    return sum;
  }
}
