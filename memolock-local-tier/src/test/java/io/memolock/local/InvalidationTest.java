package io.memolock.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.redis.strings.StringStorage;
import io.memolock.spi.KeyScheme;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Every writer invalidates the near copy: redis-cli, another instance, this one, FLUSHALL. */
class InvalidationTest extends LocalTierFixture {

  @Test
  void nearHitsCostNoRedisRoundTripAndDoNotRunTheComputation() throws Exception {
    LocalTier<String> tier = tier("q");
    AtomicInteger runs = new AtomicInteger();
    assertEquals("v", tier.get("k", Duration.ofSeconds(5), l -> {
      runs.incrementAndGet();
      return Computed.of("v", Duration.ofSeconds(60));
    }));
    awaitNear(tier, "k");
    // The store's own SET invalidates the key the miss's GET was tracking. That message reaches
    // the tracking connection on its own socket, so under load it may be heard after the near copy
    // was filled (dropping it, which is safe): wait for it, and for the copy, before counting.
    await("the store's own invalidation is heard", () -> tier.localMetrics().invalidations() >= 1);
    awaitNear(tier, "k");
    long hitsBefore = tier.localMetrics().hits();
    long missesBefore = tier.localMetrics().misses();
    long getsBefore = serverGets(redis);
    for (int i = 0; i < 1_000; i++) {
      assertEquals("v", tier.get("k", Duration.ofSeconds(5), l -> never("compute")));
      assertEquals(Optional.of("v"), tier.getIfPresent("k"));
    }
    assertEquals(0, serverGets(redis) - getsBefore, "near hits send no GET");
    assertEquals(1, runs.get());
    LocalTierMetrics m = tier.localMetrics();
    assertEquals(2_000, m.hits() - hitsBefore, "near hits; near misses: " + (m.misses() - missesBefore) + ", " + m);
    assertEquals(0, m.misses() - missesBefore);
    assertEquals(1, m.estimatedSize());
    assertEquals(1, m.remote().computations());
  }

  /** The regression the near cache exists for: a foreign writer is heard, not waited out. */
  @Test
  void redisCliOverwritingThenDeletingTheKeyStopsTheOldValueWithinABound() throws Exception {
    // redis-cli when it is on PATH (CI installs it), else a child JVM: a foreign process either way.
    System.out.println("foreign writer: " + REDIS.cliBinary().map(Path::toString).orElse("child JVM"));
    LocalTier<String> tier = tier("report");
    tier.get("r1", Duration.ofSeconds(5), l -> Computed.of("old", Duration.ofSeconds(60)));
    awaitNear(tier, "r1");
    // As above: the store's own invalidation may be heard after the fill; count after it.
    await("the store's own invalidation is heard", () -> tier.localMetrics().invalidations() >= 1);
    awaitNear(tier, "r1");
    long hits = tier.localMetrics().hits();
    assertEquals("old", tier.get("r1", Duration.ofSeconds(5), l -> never("compute")));
    assertEquals(hits + 1, tier.localMetrics().hits(), "served near before the write");

    REDIS.externalCommand("SET", "report:r1", "new from redis-cli", "PX", "60000");
    Duration overwriteSeen =
        await(
            "the near cache stops serving the overwritten value",
            INVALIDATION_BOUND,
            () -> tier.get("r1", Duration.ofSeconds(5), l -> never("compute")).equals(
                "new from redis-cli"));
    awaitNear(tier, "r1");

    REDIS.externalCommand("DEL", "report:r1");
    Duration deleteSeen =
        await(
            "the near cache stops serving the deleted value",
            INVALIDATION_BOUND,
            () -> tier.getIfPresent("r1").isEmpty());
    assertTrue(tier.localMetrics().invalidations() >= 3, tier.localMetrics().toString());
    assertEquals(
        "recomputed", tier.get("r1", Duration.ofSeconds(5), l -> Computed.of("recomputed")));
    System.out.printf(
        "redis-cli overwrite seen after %d us, delete after %d us (from the process's exit)%n",
        overwriteSeen.toNanos() / 1_000, deleteSeen.toNanos() / 1_000);
  }

  @Test
  void anotherInstancesPutAndInvalidateDropThisNearCopy() throws Exception {
    LocalTier<String> here = tier("q");
    LocalTier<String> there = tier("q");
    here.get("k", Duration.ofSeconds(5), l -> Computed.of("v1", Duration.ofSeconds(60)));
    awaitNear(here, "k");
    awaitNear(there, "k");

    assertEquals("v1", there.get("k", Duration.ofSeconds(5), l -> never("compute")));
    there.put("k", "v2", Duration.ofSeconds(60));
    assertEquals("v2", there.getIfPresent("k").orElseThrow(), "the writer reads its own write");
    await(
        "the other instance drops v1",
        INVALIDATION_BOUND,
        () -> here.getIfPresent("k").orElseThrow().equals("v2"));

    there.invalidate("k");
    assertTrue(there.getIfPresent("k").isEmpty(), "the writer reads its own invalidation");
    await(
        "the other instance drops v2", INVALIDATION_BOUND, () -> here.getIfPresent("k").isEmpty());
  }

  @Test
  void aPlainRedisWriteFromAnotherClientIsHeardToo() throws Exception {
    LocalTier<String> tier = tier("q");
    tier.get("k", Duration.ofSeconds(5), l -> Computed.of("v1", Duration.ofSeconds(60)));
    awaitNear(tier, "k");
    redis.set("q:k", "v2");
    await(
        "a SET by any client is heard",
        INVALIDATION_BOUND,
        () -> tier.getIfPresent("k").orElseThrow().equals("v2"));
    redis.expire("q:k", 1);
    redis.persist("q:k");
    redis.append("q:k", "!");
    await("an APPEND is heard", () -> tier.getIfPresent("k").orElseThrow().equals("v2!"));
  }

  @Test
  void keysOfOtherTagsAreNotTrackedAndDoNotInvalidate() throws Exception {
    LocalTier<String> tier = tier("q");
    tier.get("k", Duration.ofSeconds(5), l -> Computed.of("v", Duration.ofSeconds(60)));
    awaitNear(tier, "k");
    // The tier's own write of q:k is announced too; a first marker, once heard, proves that
    // announcement (sent before it on the same connection) is counted already.
    long start = tier.localMetrics().invalidations();
    redis.set("q:marker0", "x");
    await("the first marker's invalidation arrives", () -> tier.localMetrics().invalidations() > start);
    long before = tier.localMetrics().invalidations();
    for (int i = 0; i < 100; i++) {
      redis.set("other:k" + i, "x");
      redis.set("q/lock:k" + i, "x");
    }
    redis.set("q:marker", "x"); // a key of the tag, written last: its message comes after the rest
    await("the marker's invalidation arrives", () -> tier.localMetrics().invalidations() > before);
    assertEquals(1, tier.localMetrics().invalidations() - before, "only keys under the prefix");
    assertEquals("v", tier.get("k", Duration.ofSeconds(5), l -> never("compute")));
  }

  @Test
  void flushAllFlushesTheNearCache() throws Exception {
    LocalTier<String> tier = tier("q");
    for (int i = 0; i < 10; i++) {
      tier.get("k" + i, Duration.ofSeconds(5), l -> Computed.of("v", Duration.ofSeconds(60)));
    }
    for (int i = 0; i < 10; i++) {
      awaitNear(tier, "k" + i);
    }
    assertEquals(10, tier.localMetrics().estimatedSize());
    redis.flushAll();
    await("FLUSHALL empties the near cache", () -> tier.localMetrics().estimatedSize() == 0);
    assertEquals(1, tier.localMetrics().flushes());
    assertTrue(tier.getIfPresent("k3").isEmpty());
  }

  @Test
  void aKeySchemeWhoseValueKeysAreNotPrefixPlusIdWorksToo() throws Exception {
    KeyScheme hashTagged =
        (tag, id) ->
            new KeyScheme.Keys(
                tag + ":{" + id + "}",
                tag + "/lock:{" + id + "}",
                tag + "/notif:{" + id + "}",
                tag + "/fail:{" + id + "}");
    LocalTier<String> tier =
        track(
            LocalTier.builder()
                .wrap(
                    MemoLock.builder(client(), StringStorage.utf8())
                        .tag("h")
                        .keyScheme(hashTagged)
                        .build()));
    awaitActive(tier);
    assertEquals("h:{", impl(tier).prefix());
    tier.get("k", Duration.ofSeconds(5), l -> Computed.of("v1", Duration.ofSeconds(60)));
    awaitNear(tier, "k");
    redis.set("h:{k}", "v2");
    await("heard", INVALIDATION_BOUND, () -> tier.getIfPresent("k").orElseThrow().equals("v2"));
    awaitNear(tier, "k");
    assertTrue(redis.pttl("h/xfetch:{k}") > 0, "the computation time follows the scheme");
  }

}
