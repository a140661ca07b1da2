package io.memolock.local;

import static io.memolock.local.LocalTierFixture.INVALIDATION_BOUND;
import static io.memolock.local.LocalTierFixture.await;
import static io.memolock.local.LocalTierFixture.awaitActive;
import static io.memolock.local.LocalTierFixture.awaitNear;
import static io.memolock.local.LocalTierFixture.impl;
import static io.memolock.local.LocalTierFixture.never;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.redis.strings.StringStorage;
import io.memolock.testkit.TestRedisCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;

/**
 * The local tier on a real Redis Cluster (3 primaries + 3 replicas): every primary is tracked, a
 * {@code redis-cli -c} overwrite is heard wherever its slot lives, and a failover (graceful, or a
 * {@code kill -9} of a primary) flushes the near cache, which serves nothing stale afterwards.
 */
class ClusterLocalTierTest {
  private static final TestRedisCluster CLUSTER = TestRedisCluster.shared();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeEach
  void healthy() {
    CLUSTER.flushAll(); // once the cluster is healthy, every node agreeing on its role
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : opened.reversed()) {
      c.close();
    }
  }

  /**
   * A tier whose tracker looks at the topology only on events (a minute between looks otherwise):
   * what these tests see of a failover is what the events alone tell it.
   */
  private LocalTier<String> tier(String tag) throws InterruptedException {
    return tier(tag, LocalTier.builder());
  }

  private LocalTier<String> tier(String tag, LocalTierBuilder builder) throws InterruptedException {
    RedisClusterClient client = CLUSTER.newClient();
    opened.add(client);
    LocalTier<String> tier =
        builder
            .topologyRecheck(Duration.ofMinutes(1))
            .wrap(
                MemoLock.builder(client, StringStorage.utf8())
                    .tag(tag)
                    .lockTimeout(Duration.ofSeconds(5))
                    .build());
    opened.add(tier);
    awaitActive(tier);
    return tier;
  }

  /** Ids of the tag whose value keys fall on every primary, {@code perPrimary} on each. */
  private static List<String> idsOnEveryPrimary(String tag, int perPrimary) {
    List<String> ids = new ArrayList<>();
    java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
    for (int i = 0; ids.size() < 3 * perPrimary; i++) {
      String id = "id" + i;
      int primary = CLUSTER.primaryOf("{" + tag + ":" + id + "}");
      if (counts.merge(primary, 1, Integer::sum) <= perPrimary) {
        ids.add(id);
      }
    }
    return ids;
  }

  private static void fillNear(LocalTier<String> tier, List<String> ids, String value)
      throws InterruptedException {
    for (String id : ids) {
      tier.get(id, TIMEOUT, l -> Computed.of(value, Duration.ofSeconds(60)));
    }
    for (String id : ids) {
      awaitNear(tier, id);
    }
  }

  private static void awaitServed(LocalTier<String> tier, String id, String value)
      throws InterruptedException {
    await(
        id + " is served as " + value,
        INVALIDATION_BOUND,
        () -> tier.get(id, TIMEOUT, l -> never("compute")).equals(value));
  }

  @Test
  void everyPrimaryIsTrackedAndRedisCliOverwritesOnEachAreSeenWithinABound() throws Exception {
    LocalTier<String> tier = tier("ct");
    Set<HostAndPort> tracked = ((ClusterTracker) impl(tier).stream()).trackedNodes();
    assertEquals(3, tracked.size(), "one tracking session per primary: " + tracked);
    List<String> ids = idsOnEveryPrimary("ct", 2);
    fillNear(tier, ids, "old");
    long hits = tier.localMetrics().hits();
    for (String id : ids) {
      assertEquals("old", tier.get(id, TIMEOUT, l -> never("compute")));
    }
    assertEquals(hits + ids.size(), tier.localMetrics().hits(), "served near before the writes");

    List<Long> millis = new ArrayList<>();
    for (String id : ids) {
      assertEquals("OK", CLUSTER.cli("SET", "{ct:" + id + "}", "new " + id, "PX", "60000"));
      long start = System.nanoTime();
      awaitServed(tier, id, "new " + id);
      millis.add((System.nanoTime() - start) / 1_000_000);
    }
    System.out.println("redis-cli -c overwrites seen after (ms, from the end of redis-cli): " + millis);
    assertTrue(tier.localMetrics().active());
  }

  @Test
  void theComputationTimeKeyIsInTheValuesHashSlotOnACluster() throws Exception {
    LocalTier<String> tier = tier("cx");
    tier.get("k", TIMEOUT, l -> Computed.of("v", Duration.ofSeconds(60)));
    try (RedisClusterClient client = CLUSTER.newClient()) {
      await("the computation time is recorded", () -> client.get("{cx:k}/xfetch") != null);
      assertTrue(Long.parseLong(client.get("{cx:k}/xfetch")) >= 1);
      assertTrue(client.pttl("{cx:k}/xfetch") > 0, "with the value's TTL");
    }
  }

  @Test
  void aGracefulFailoverFlushesTheNearCacheAndNothingStaleIsServedAfterIt() throws Exception {
    LocalTier<String> tier = tier("cf");
    List<String> ids = idsOnEveryPrimary("cf", 2);
    fillNear(tier, ids, "old");
    String id = ids.get(0);
    int primary = CLUSTER.primaryOf("{cf:" + id + "}");
    int replica = CLUSTER.replicaOf(primary);
    long flushes = tier.localMetrics().flushes();

    CLUSTER.failover(replica);

    await("the near cache is flushed", () -> tier.localMetrics().flushes() > flushes);
    // Written on the promoted primary as soon as it serves: heard, whatever this JVM has seen yet.
    assertEquals("OK", CLUSTER.cli("SET", "{cf:" + id + "}", "after failover", "PX", "60000"));
    awaitServed(tier, id, "after failover");
    awaitActive(tier);
    assertTrue(
        ((ClusterTracker) impl(tier).stream()).trackedNodes().contains(new HostAndPort("127.0.0.1", replica)),
        "the promoted replica is tracked");
    awaitNear(tier, id);
    assertEquals("OK", CLUSTER.cli("SET", "{cf:" + id + "}", "newer", "PX", "60000"));
    awaitServed(tier, id, "newer");
    for (String other : ids.subList(1, ids.size())) {
      assertEquals("old", tier.get(other, TIMEOUT, l -> never("compute")));
    }
  }

  @Test
  void killingAPrimaryFlushesTheNearCacheAndItServesAgainOnlyOnceThePromotedOneIsTracked()
      throws Exception {
    LocalTier<String> tier = tier("ck");
    List<String> ids = idsOnEveryPrimary("ck", 2);
    fillNear(tier, ids, "old");
    String id = ids.get(0);
    int primary = CLUSTER.primaryOf("{ck:" + id + "}");
    int replica = CLUSTER.replicaOf(primary);

    CLUSTER.kill(primary);
    try {
      await("the near cache stops serving at once", () -> !tier.localMetrics().active());
      assertFalse(impl(tier).isNear(ids.get(1)), "flushed, also the other primaries' ids");
      await("the replica is promoted", Duration.ofSeconds(20), () -> CLUSTER.primaries().contains(replica));
      // The node redis-cli asks may not know of the promotion yet (CLUSTERDOWN): write once it does.
      await("a write after the promotion", Duration.ofSeconds(20),
          () -> "OK".equals(CLUSTER.cli("SET", "{ck:" + id + "}", "after kill", "PX", "60000")));
      await("the tier serves", Duration.ofSeconds(20), () -> tier.localMetrics().active());
      awaitServed(tier, id, "after kill");
      awaitNear(tier, id);
      assertEquals("OK", CLUSTER.cli("SET", "{ck:" + id + "}", "newer", "PX", "60000"));
      awaitServed(tier, id, "newer");
    } finally {
      CLUSTER.restart(primary); // it rejoins as a replica of the promoted one
      CLUSTER.awaitHealthy();
    }
  }

  /** @return the ids of this tag's tracking connections on the node */
  private static List<Long> trackingClients(int port, String tag) {
    return CLUSTER.node(port, j -> j.clientList()).lines()
        .filter(l -> l.contains(" name=memolock-tracking:" + tag + " "))
        .map(l -> Long.parseLong(l.replaceAll("^id=(\\d+) .*", "$1")))
        .toList();
  }

  @Test
  void aKilledTrackingConnectionOnOnePrimaryFlushesTheNearCacheThenTrackingResumes()
      throws Exception {
    LocalTier<String> tier = tier("cc");
    List<String> ids = idsOnEveryPrimary("cc", 1);
    fillNear(tier, ids, "old");
    int primary = CLUSTER.primaryOf("{cc:" + ids.get(0) + "}");
    List<Long> before = trackingClients(primary, "cc");
    assertEquals(1, before.size(), "one tracking connection on the node");
    long flushes = tier.localMetrics().flushes();
    long streamFailures = tier.localMetrics().streamFailures();

    CLUSTER.node(primary, j -> j.clientKill(redis.clients.jedis.params.ClientKillParams.clientKillParams()
        .id(Long.toString(before.get(0)))));

    await("the near cache is flushed", () -> tier.localMetrics().flushes() > flushes);
    awaitActive(tier);
    List<Long> after = trackingClients(primary, "cc");
    assertEquals(1, after.size());
    assertFalse(after.equals(before), "a new tracking connection");
    assertTrue(
        tier.localMetrics().streamFailures() > streamFailures, "the dropped session is counted");
    assertEquals("OK", CLUSTER.cli("SET", "{cc:" + ids.get(0) + "}", "new", "PX", "60000"));
    awaitServed(tier, ids.get(0), "new");
  }

  @Test
  void closingTheTierClosesItsTrackingConnectionOnEveryPrimary() throws Exception {
    LocalTier<String> tier = tier("cz");
    for (int port : CLUSTER.primaries()) {
      assertEquals(1, trackingClients(port, "cz").size(), "tracked on " + port);
    }
    tier.close();
    for (int port : CLUSTER.primaries()) {
      await("no tracking connection left on " + port, () -> trackingClients(port, "cz").isEmpty());
    }
    assertFalse(tier.localMetrics().active());
  }

  @Test
  void aNearHitCloseToExpiryRefreshesUnderTheValuesLockOnACluster() throws Exception {
    LocalTier<String> tier = tier("cr", LocalTier.builder().refreshBeta(1e9));
    try (RedisClusterClient client = CLUSTER.newClient()) {
      client.set("{cr:k}", "v1", redis.clients.jedis.params.SetParams.setParams().px(30_000));
      client.set("{cr:k}/xfetch", "5", redis.clients.jedis.params.SetParams.setParams().px(30_000));
      awaitNear(tier, "k");
      java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
      assertEquals("v1", tier.get("k", TIMEOUT, l -> {
        assertTrue(finish.await(10, java.util.concurrent.TimeUnit.SECONDS));
        return Computed.of("v2", Duration.ofSeconds(30));
      }));
      await("the refresh holds the value's lock", () -> client.exists("{cr:k}/lock"));
      assertEquals("v1", tier.get("k", TIMEOUT, l -> never("compute twice")));
      finish.countDown();
      await("the new value is served", () -> tier.getIfPresent("k").orElseThrow().equals("v2"));
      await("the refresh is counted", () -> tier.localMetrics().refreshes() == 1);
      assertFalse(client.exists("{cr:k}/lock"), "the lock is released");
      assertTrue(Long.parseLong(client.get("{cr:k}/xfetch")) >= 1, "its own computation time");
    }
  }
}
