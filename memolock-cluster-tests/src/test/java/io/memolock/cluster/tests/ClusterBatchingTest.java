package io.memolock.cluster.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.MemoLockException;
import io.memolock.internal.Engine;
import io.memolock.redis.strings.StringStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.args.ClientPauseMode;

/**
 * On a cluster, concurrent commands share round trips per primary (pipelines, since a cluster
 * refuses an {@code MGET} across slots), each caller still gets the answer about its own key, and
 * each primary has permits of its own, so a stalled node holds up only its own commands.
 */
class ClusterBatchingTest extends ClusterFixture {

  private static long pipelined(MemoLock<String> lock) {
    return ((Engine<String>) lock).pipelinedCommands();
  }

  /** Holds every command on every primary for a moment, so that the commands meanwhile queue. */
  private static void pausePrimaries(long millis) {
    for (int port : CLUSTER.primaries()) {
      CLUSTER.node(port, j -> j.clientPause(millis));
    }
  }

  @Test
  void readsAndScriptsAcrossManySlotsAreBatchedPerNodeAndEachCallerGetsItsOwnValue()
      throws Exception {
    String tag = "batch";
    RedisClusterClient writer = client();
    MemoLock<String> a = instance(tag, Duration.ofSeconds(10));
    MemoLock<String> b = instance(tag, Duration.ofSeconds(10));
    List<String> ids = new ArrayList<>();
    Set<Integer> slots = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      String id = newId();
      ids.add(id);
      slots.add(redis.clients.jedis.util.JedisClusterCRC16.getSlot(valueKey(tag, id)));
      if (i % 2 == 0) {
        writer.set(valueKey(tag, id), "cached " + id); // half cached, half computed
      }
    }
    String wrong = newId();
    writer.hset(valueKey(tag, wrong), "f", "v");
    // Warm up: each instance knows the slot map and has its connections.
    assertEquals("cached " + ids.get(0), a.get(ids.get(0), Duration.ofSeconds(10), l -> null));
    assertEquals("cached " + ids.get(0), b.get(ids.get(0), Duration.ofSeconds(10), l -> null));
    Map<String, AtomicInteger> computed = new ConcurrentHashMap<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      pausePrimaries(300);
      List<Future<String>> results = new ArrayList<>();
      for (int t = 0; t < 400; t++) {
        String id = ids.get(t % ids.size());
        MemoLock<String> lock = t % 2 == 0 ? a : b;
        results.add(
            threads.submit(
                () ->
                    lock.get(
                        id,
                        Duration.ofSeconds(20),
                        l -> {
                          computed.computeIfAbsent(id, x -> new AtomicInteger()).incrementAndGet();
                          return Computed.of("computed " + id, Duration.ofMinutes(1));
                        })));
      }
      Future<String> wrongType =
          threads.submit(() -> a.get(wrong, Duration.ofSeconds(20), l -> Computed.of("no")));
      for (int t = 0; t < results.size(); t++) {
        String id = ids.get(t % ids.size());
        String expected = ids.indexOf(id) % 2 == 0 ? "cached " + id : "computed " + id;
        assertEquals(expected, results.get(t).get(30, TimeUnit.SECONDS));
      }
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> wrongType.get(30, TimeUnit.SECONDS));
      MemoLockException m = assertInstanceOf(MemoLockException.class, e.getCause());
      assertTrue(m.getMessage().contains("wrong Redis type"), m.getMessage());
    }
    assertEquals(100, computed.size(), "exactly the missing ids were computed");
    computed.forEach((id, n) -> assertEquals(1, n.get(), id + " computed once"));
    assertEquals("v", writer.hget(valueKey(tag, wrong), "f"), "the hash is left as it was");
    assertTrue(slots.size() > 150, "the ids lie in many slots: " + slots.size());
    assertTrue(
        pipelined(a) > 0, "commands queued behind the paused nodes shared round trips per node");
  }

  @Test
  void aStalledPrimaryHoldsUpOnlyItsOwnCommandsPermitsArePerNode() throws Exception {
    String tag = "permits";
    MemoLock<String> lock =
        track(
            MemoLock.builder(client(), StringStorage.utf8())
                .tag(tag)
                .maxConcurrentCommands(1)
                .build());
    String onStalled = newId();
    int stalled = CLUSTER.primaryOf(valueKey(tag, onStalled));
    String elsewhere = newId();
    while (CLUSTER.primaryOf(valueKey(tag, elsewhere)) == stalled) {
      elsewhere = newId();
    }
    String other = elsewhere;
    lock.getIfPresent(onStalled); // warm up: the slot map is known
    // The pause holds every client's commands (an unpause and a new connection's handshake
    // included) until it ends by itself.
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      CLUSTER.node(stalled, j -> j.clientPause(5_000, ClientPauseMode.ALL));
      Future<?> held = threads.submit(() -> lock.getIfPresent(onStalled));
      Thread.sleep(100); // its read holds the stalled node's only permit
      // One permit for the whole client would be held by the stalled read: this would wait.
      assertEquals(
          "fine",
          threads
              .submit(() -> lock.get(other, Duration.ofSeconds(10), l -> Computed.of("fine")))
              .get(10, TimeUnit.SECONDS));
      assertFalse(held.isDone(), "served while the other node still held its read");
      held.get(20, TimeUnit.SECONDS);
    }
  }
}
