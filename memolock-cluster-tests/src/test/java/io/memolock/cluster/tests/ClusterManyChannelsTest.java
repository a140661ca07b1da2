package io.memolock.cluster.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.internal.Engine;
import io.memolock.spi.KeyScheme;
import io.memolock.testkit.RedisProbes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * One instance waiting on many keys whose channels fall in many slots of each primary. When its
 * shard connection (re)connects it subscribes all of them at once, and a node refuses one {@code
 * SSUBSCRIBE} naming channels of two slots ({@code CROSSSLOT}): the subscriber must send one per
 * slot, or it reconnects in a loop and its waiters time out. The callers' timeout is shorter than
 * the lock timeout, so only a notification serves them in time.
 */
class ClusterManyChannelsTest extends ClusterFixture {
  private static final int IDS = 60;

  @Test
  void waitersOnManySlotsOfOneNodeAreResubscribedAfterTheirShardConnectionsDrop() throws Exception {
    String tag = "many";
    MemoLock<String> holder = instance(tag, Duration.ofSeconds(30));
    MemoLock<String> waiter = instance(tag, Duration.ofSeconds(30));
    List<String> ids = new ArrayList<>();
    Set<Integer> slots = new HashSet<>();
    for (int i = 0; i < IDS; i++) {
      String id = newId();
      ids.add(id);
      slots.add(JedisClusterCRC16.getSlot(KeyScheme.cluster().valueKey(tag, id)));
    }
    assertTrue(slots.size() > CLUSTER.primaries().size(), "several slots per node: " + slots.size());
    CountDownLatch computing = new CountDownLatch(IDS);
    CountDownLatch mayStore = new CountDownLatch(1);
    List<Future<String>> held = new ArrayList<>();
    List<Future<String>> waited = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (String id : ids) {
        held.add(
            threads.submit(
                () ->
                    holder.get(
                        id,
                        Duration.ofSeconds(20),
                        lease -> {
                          computing.countDown();
                          assertTrue(mayStore.await(20, TimeUnit.SECONDS), "the test went on");
                          return Computed.of("value of " + id);
                        })));
      }
      assertTrue(computing.await(10, TimeUnit.SECONDS), "every id is being computed");
      for (String id : ids) {
        waited.add(
            threads.submit(
                () -> waiter.get(id, Duration.ofSeconds(10), lease -> Computed.of("not this"))));
      }
      Engine<?> engine = (Engine<?>) waiter;
      RedisProbes.await(
          "every caller waits",
          () -> ids.stream().allMatch(id -> "WAITING".equals(engine.flightState(id))));

      // Every sharded Pub/Sub connection of every primary goes: each reconnects with all of its
      // node's channels pending at once.
      for (int port : CLUSTER.primaries()) {
        CLUSTER.node(
            port, j -> j.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB)));
      }
      RedisProbes.await(
          "every channel subscribed again",
          () -> ids.stream().allMatch(id -> shardSubscribers(tag, id) == 1));

      mayStore.countDown();
      for (int i = 0; i < IDS; i++) {
        assertEquals("value of " + ids.get(i), held.get(i).get(20, TimeUnit.SECONDS));
        assertEquals("value of " + ids.get(i), waited.get(i).get(20, TimeUnit.SECONDS));
      }
    }
    assertEquals(IDS, holder.metrics().computations());
    assertEquals(0, waiter.metrics().computations());
  }

  /** @return subscribers of the id's notification channel on the node that serves its slot */
  private static long shardSubscribers(String tag, String id) {
    String channel = KeyScheme.cluster().keys(tag, id).notification();
    return CLUSTER.node(
        CLUSTER.primaryOf(channel),
        j -> {
          Map<String, Long> counts = j.pubsubShardNumSub(channel);
          return counts.getOrDefault(channel, 0L);
        });
  }
}
