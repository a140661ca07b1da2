package io.memolock.cluster.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.internal.Engine;
import io.memolock.redis.strings.StringStorage;
import io.memolock.spi.KeyScheme;
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
import redis.clients.jedis.RedisClusterClient;

/** The stampede and sharded Pub/Sub on a real cluster, with default settings. */
class ClusterStampedeTest extends ClusterFixture {

  @Test
  void fourInstancesOf250CallersOnOneColdKeyComputeOnceAndPublishOnlyBySpublish()
      throws Exception {
    String tag = "stampede";
    String id = newId();
    List<MemoLock<String>> instances = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      instances.add(track(MemoLock.builder(client(), StringStorage.utf8()).tag(tag).build()));
    }
    // A bystander waits on another key of the same primary meanwhile: it must hear nothing of
    // the stampede's key (its shard connection holds only its own resource's two channels).
    MemoLock<String> bystander = instance(tag, Duration.ofSeconds(5));
    String otherId = sameNodeAs(tag, id);
    CountDownLatch otherComputing = new CountDownLatch(1);
    CountDownLatch releaseOther = new CountDownLatch(1);
    CLUSTER.resetStats();
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> results = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> holder =
          threads.submit(
              () ->
                  instances.get(0).get(otherId, Duration.ofSeconds(20), l -> {
                    otherComputing.countDown();
                    releaseOther.await();
                    return Computed.of("other");
                  }));
      assertTrue(otherComputing.await(10, TimeUnit.SECONDS));
      Future<String> bystanderWait =
          threads.submit(() -> bystander.get(otherId, Duration.ofSeconds(20), l -> Computed.of("x")));
      for (MemoLock<String> lock : instances) {
        for (int i = 0; i < 250; i++) {
          results.add(
              threads.submit(
                  () -> {
                    start.await();
                    return lock.get(id, Duration.ofSeconds(20), l -> {
                      runs.incrementAndGet();
                      Thread.sleep(100);
                      return Computed.of("computed once");
                    });
                  }));
        }
      }
      start.countDown();
      for (Future<String> r : results) {
        assertEquals("computed once", r.get(30, TimeUnit.SECONDS));
      }
      assertEquals(
          2, ((Engine<?>) bystander).subscribedChannels(), "the bystander holds only its key's");
      releaseOther.countDown();
      assertEquals("other", holder.get(20, TimeUnit.SECONDS));
      assertEquals("other", bystanderWait.get(20, TimeUnit.SECONDS));
    }
    long publish = CLUSTER.commandCount("publish");
    long spublish = CLUSTER.commandCount("spublish");
    System.err.printf(
        "cluster stampede: %d computation(s) for 1000 callers; PUBLISH %d, SPUBLISH %d%n",
        runs.get(), publish, spublish);
    assertEquals(1, runs.get(), "one computation for 4 x 250 callers");
    assertEquals(0, publish, "no classic PUBLISH on the cluster (it would reach every node)");
    assertTrue(spublish >= 1, "notifications by SPUBLISH");
    assertEquals(0, shardSubscribers(tag, id), "nobody is left subscribed to the key's channel");
  }

  @Test
  void aProducerUsingSpublishWakesTheWaitersAtOnce() throws Exception {
    String tag = "producer";
    String id = newId();
    MemoLock<String> waiter = instance(tag, Duration.ofSeconds(10));
    RedisClusterClient producer = client();
    KeyScheme.Keys keys = KeyScheme.cluster().keys(tag, id);
    producer.set(keys.lock(), "someone else's token");
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      long t0 = System.nanoTime();
      Future<String> waiting =
          threads.submit(() -> waiter.getExternal(id, Duration.ofSeconds(20), lease -> {}));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (shardSubscribers(tag, id) == 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      producer.set(keys.value(), "made elsewhere");
      producer.spublish(keys.notification(), "made elsewhere");
      assertEquals("made elsewhere", waiting.get(20, TimeUnit.SECONDS));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(ms < 5_000, "woken by the SPUBLISH, not the 10 s lock timeout: " + ms + " ms");
    }
  }

  @Test
  void theClassicKeySchemeIsRefusedOnAClusterClientWithTheReason() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> MemoLock.builder(client(), StringStorage.utf8())
                .tag("classic")
                .keyScheme(KeyScheme.classic())
                .build());
    assertTrue(e.getMessage().contains("standalone Redis"), e.getMessage());
  }

  /** A fresh id whose slot is served by the same primary as {@code id}'s. */
  private static String sameNodeAs(String tag, String id) {
    int node = CLUSTER.primaryOf(valueKey(tag, id));
    while (true) {
      String other = newId();
      if (CLUSTER.primaryOf(valueKey(tag, other)) == node) {
        return other;
      }
    }
  }

  /** {@code PUBSUB SHARDNUMSUB} of the key's notification channel on its primary. */
  static long shardSubscribers(String tag, String id) {
    String channel = KeyScheme.cluster().keys(tag, id).notification();
    return CLUSTER.node(
        CLUSTER.primaryOf(channel),
        j -> (Long) ((List<?>) j.sendCommand(
            redis.clients.jedis.Protocol.Command.PUBSUB, "SHARDNUMSUB", channel)).get(1));
  }
}
