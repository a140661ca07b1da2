package io.memolock.cluster.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.spi.KeyScheme;
import io.memolock.testkit.ClusterSlotMigration;
import io.memolock.testkit.RedisProbes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Migration of a key's slot to another primary ({@code CLUSTER SETSLOT} / {@code MIGRATE}) while
 * its lock is held and callers of other instances wait, subscribed on the old owner. The old owner
 * ends their sharded subscriptions; the subscriber must subscribe on the new owner and make them
 * re-check. The callers' timeout is shorter than the lock timeout: a waiter left subscribed on the
 * old owner would only learn of the value when the lock expired, after its own timeout.
 */
class ClusterSlotMigrationTest extends ClusterFixture {
  private static final int INSTANCES = 3;
  private static final int CALLERS = 20;

  @Test
  void migratingTheKeysSlotWhileCallersWaitServesThemAllWithOneComputation() throws Exception {
    migrateDuringAStampede(false);
  }

  /**
   * The holder stores while the slot is half-moved: its script meets {@code ASK} on the old owner
   * and, with {@code ASKING}, {@code TRYAGAIN} on the new one (Redis runs no multi-key command on
   * an importing node while some of its keys are missing); it is retried, owner-checked, until
   * the migration ends.
   */
  @Test
  void aStoreMeetingTheHalfMovedSlotIsRetriedUntilTheMigrationEnds() throws Exception {
    migrateDuringAStampede(true);
  }

  private void migrateDuringAStampede(boolean storeWhileMigrating) throws Exception {
    String tag = "migrate";
    String id = newId();
    KeyScheme.Keys keys = KeyScheme.cluster().keys(tag, id);
    int slot = JedisClusterCRC16.getSlot(keys.value());
    int source = CLUSTER.primaryOf(keys.value());
    int target = CLUSTER.primaries().stream().filter(p -> p != source).findFirst().orElseThrow();
    List<MemoLock<String>> instances = new ArrayList<>();
    for (int i = 0; i < INSTANCES; i++) {
      instances.add(instance(tag, Duration.ofSeconds(15)));
    }
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch computing = new CountDownLatch(1);
    CountDownLatch mayStore = new CountDownLatch(1);
    List<Future<String>> results = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (MemoLock<String> lock : instances) {
        for (int i = 0; i < CALLERS; i++) {
          results.add(
              threads.submit(
                  () -> lock.get(id, Duration.ofSeconds(8), lease -> {
                    runs.incrementAndGet();
                    computing.countDown();
                    assertTrue(mayStore.await(20, TimeUnit.SECONDS), "the test went on");
                    return Computed.of("the value");
                  })));
        }
      }
      assertTrue(computing.await(10, TimeUnit.SECONDS), "a computation started");
      // The two instances that do not hold the lock wait, subscribed on the slot's primary.
      RedisProbes.await(
          "the waiting instances subscribed on " + source,
          () -> shardSubscribers(source, keys.notification()) >= INSTANCES - 1);
      int moved =
          ClusterSlotMigration.migrate(
              CLUSTER,
              slot,
              source,
              target,
              () -> {
                if (storeWhileMigrating) {
                  CLUSTER.resetStats();
                  mayStore.countDown();
                  RedisProbes.await(
                      "the store met the half-moved slot",
                      () -> errors(source).contains("errorstat_ASK")
                          && errors(target).contains("errorstat_TRYAGAIN"));
                }
              });
      assertTrue(moved >= 1, "the lock moved with the slot");
      if (!storeWhileMigrating) {
        // The old owner ended the waiters' subscriptions; they follow the slot to the new owner.
        // (After a store during the migration they may be served, and gone, before this looks.)
        RedisProbes.await(
            "the waiting instances subscribed on " + target,
            () -> shardSubscribers(target, keys.notification()) >= INSTANCES - 1);
      }
      mayStore.countDown();
      for (Future<String> r : results) {
        assertEquals("the value", r.get(15, TimeUnit.SECONDS));
      }
    }
    assertEquals(1, runs.get(), "computations");
    assertEquals(target, CLUSTER.primaryOf(keys.value()));
    assertEquals("the value", instances.get(0).getIfPresent(id).orElseThrow());
  }

  private static String errors(int port) {
    return CLUSTER.node(port, (Jedis j) -> j.info("errorstats"));
  }

  private static long shardSubscribers(int port, String channel) {
    return CLUSTER.node(port, (Jedis j) -> j.pubsubShardNumSub(channel).getOrDefault(channel, 0L));
  }
}
