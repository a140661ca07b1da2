package io.memolock.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.Computed;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;

/** Lost invalidations cannot be known: an interrupted stream flushes, then recovers. */
class OutageTest extends LocalTierFixture {

  private void fill(LocalTier<String> tier, int n) throws InterruptedException {
    for (int i = 0; i < n; i++) {
      tier.get("k" + i, Duration.ofSeconds(5), l -> Computed.of("v1", Duration.ofSeconds(60)));
    }
    for (int i = 0; i < n; i++) {
      awaitNear(tier, "k" + i);
    }
    assertEquals(n, tier.localMetrics().estimatedSize());
  }

  @Test
  void killingTheSubscriberConnectionFlushesTheNearCacheThenTrackingResumes() throws Exception {
    LocalTier<String> tier = tier("q");
    fill(tier, 20);
    long subscriber = ((Tracker) impl(tier).stream()).subscriberId();
    long tracking = ((Tracker) impl(tier).stream()).trackingId();
    assertTrue(clientList(redis).contains("id=" + subscriber + " "), "subscriber id is real");
    assertTrue(clientList(redis).contains("id=" + tracking + " "), "tracking id is real");
    long flushes = tier.localMetrics().flushes();

    killClient(redis, subscriber);
    await("the near cache is flushed", () -> tier.localMetrics().estimatedSize() == 0);
    assertEquals(flushes + 1, tier.localMetrics().flushes());

    // Back: a new subscriber connection, and a new tracking connection redirecting to it.
    awaitActive(tier);
    assertNotEquals(subscriber, ((Tracker) impl(tier).stream()).subscriberId());
    assertNotEquals(tracking, ((Tracker) impl(tier).stream()).trackingId());
    await(
        "the old tracking connection is closed",
        () -> !clientList(redis).contains("id=" + tracking + " "));

    // ... and invalidation works again through the new pair.
    fill(tier, 1);
    redis.set("q:k0", "v2");
    await("invalidation after recovery", () -> tier.getIfPresent("k0").orElseThrow().equals("v2"));
  }

  @Test
  void killingTheTrackingConnectionFlushesTheNearCacheAndReopensIt() throws Exception {
    LocalTier<String> tier = tier("q");
    fill(tier, 5);
    long subscriber = ((Tracker) impl(tier).stream()).subscriberId();
    long tracking = ((Tracker) impl(tier).stream()).trackingId();

    killClient(redis, tracking);
    await("the near cache is flushed", () -> tier.localMetrics().estimatedSize() == 0);
    awaitActive(tier);
    assertEquals(subscriber, ((Tracker) impl(tier).stream()).subscriberId(), "the subscriber was untouched");
    assertNotEquals(tracking, ((Tracker) impl(tier).stream()).trackingId());
    assertTrue(tier.localMetrics().streamFailures() >= 1, "the killed connection is counted");

    fill(tier, 1);
    redis.set("q:k0", "v2");
    await("invalidation after recovery", () -> tier.getIfPresent("k0").orElseThrow().equals("v2"));
  }

  @Test
  @SuppressWarnings("deprecation")
  void aWriteDuringTheOutageIsNeverServedStale() throws Exception {
    LocalTier<String> tier = tier("q");
    fill(tier, 3);
    long flushes = tier.localMetrics().flushes();
    // Every Pub/Sub connection: the subscriber and the tracking connection both go, and the
    // invalidation of this write is lost with them.
    redis.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "pubsub");
    redis.set("q:k1", "written while nobody listened");
    // Until the client notices the drop (it reads end-of-stream at once), the old copy may still
    // be served: invalidation is asynchronous. Once noticed, never again.
    await("the drop is noticed", () -> tier.localMetrics().flushes() > flushes);
    assertEquals("written while nobody listened", tier.getIfPresent("k1").orElseThrow());
    awaitActive(tier);
    awaitNear(tier, "k1");
    assertEquals("written while nobody listened", tier.getIfPresent("k1").orElseThrow());
    assertEquals(
        "written while nobody listened",
        tier.get("k1", Duration.ofSeconds(5), l -> never("compute")));
  }

  @Test
  void whileTheStreamIsDownEveryCallGoesToRedis() throws Exception {
    LocalTier<String> tier = tier("q");
    fill(tier, 1);
    ((Tracker) impl(tier).stream()).onDisconnected(); // as the subscriber reports a drop
    assertTrue(!tier.localMetrics().active());
    long misses = tier.localMetrics().misses();
    redis.set("q:k0", "v2");
    assertEquals("v2", tier.getIfPresent("k0").orElseThrow());
    assertEquals("v2", tier.getIfPresent("k0").orElseThrow());
    assertEquals(misses + 2, tier.localMetrics().misses());
    assertEquals(0, tier.localMetrics().estimatedSize(), "nothing is kept while down");
  }

  @Test
  void closeClosesTheTrackingConnectionAndTheWrappedMemoLock() throws Exception {
    LocalTier<String> tier = tier("q");
    long tracking = ((Tracker) impl(tier).stream()).trackingId();
    assertTrue(clientList(redis).contains("name=memolock-tracking:q "));
    tier.close();
    await(
        "the tracking connection is closed",
        () -> !clientList(redis).contains("id=" + tracking + " "));
    assertTrue(!clientList(redis).contains("name=memolock-tracking:q "));
    org.junit.jupiter.api.Assertions.assertThrows(
        io.memolock.MemoLockClosedException.class, () -> tier.getIfPresent("k"));
    tier.close(); // idempotent
  }
}
