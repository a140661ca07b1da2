package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.internal.Engine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * The miss path's scripts (acquire, store, put...) of different ids that arrive while two batches
 * are in flight share one pipelined round trip; whatever goes wrong in a pipeline, every caller
 * gets the answer about its own key, and its own timeout and interrupt.
 *
 * <p>{@code CLIENT PAUSE ... WRITE} holds every script in flight (reads go on), so that the
 * scripts started meanwhile queue behind the first two batches.
 */
class PipelinedMissPathTest extends RedisFixture {

  private RedisClient pooled(int size) {
    ConnectionPoolConfig config = new ConnectionPoolConfig();
    config.setMaxTotal(size);
    config.setMaxIdle(size);
    return track(
        RedisClient.builder().hostAndPort(REDIS.host(), REDIS.port()).poolConfig(config).build());
  }

  private static long pipelined(MemoLock<String> lock) {
    return ((Engine<String>) lock).pipelinedCommands();
  }

  @SuppressWarnings("deprecation")
  private void pauseWrites(long millis) {
    redis.sendCommand(Protocol.Command.CLIENT, "PAUSE", Long.toString(millis), "WRITE");
  }

  @SuppressWarnings("deprecation")
  private void unpause() {
    redis.sendCommand(Protocol.Command.CLIENT, "UNPAUSE");
  }

  private static List<Future<String>> getAll(
      ExecutorService executor, MemoLock<String> lock, List<String> ids, Duration timeout) {
    List<Future<String>> results = new ArrayList<>();
    for (String id : ids) {
      results.add(
          executor.submit(
              () -> lock.get(id, timeout, l -> Computed.of("value of " + id, Duration.ofMinutes(1)))));
    }
    return results;
  }

  private static List<String> ids(String prefix, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(prefix + i);
    }
    return ids;
  }

  @Test
  void locksAndStoresOfDifferentIdsShareRoundTripsAndEachIdIsComputedOnce() throws Exception {
    MemoLock<String> a = track(builder(pooled(64), "p").build());
    MemoLock<String> b = track(builder(pooled(64), "p").build());
    Map<String, AtomicInteger> computed = new ConcurrentHashMap<>();
    List<String> ids = ids("id", 40);
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      pauseWrites(300);
      List<Future<String>> results = new ArrayList<>();
      for (int t = 0; t < 160; t++) {
        String id = ids.get(t % ids.size());
        MemoLock<String> lock = t % 2 == 0 ? a : b;
        results.add(
            executor.submit(
                () ->
                    lock.get(
                        id,
                        Duration.ofSeconds(20),
                        l -> {
                          computed.computeIfAbsent(id, x -> new AtomicInteger()).incrementAndGet();
                          return Computed.of("value of " + id, Duration.ofMinutes(1));
                        })));
      }
      for (int t = 0; t < results.size(); t++) {
        assertEquals("value of " + ids.get(t % ids.size()), results.get(t).get(20, TimeUnit.SECONDS));
      }
    }
    assertEquals(40, computed.size());
    computed.forEach((id, n) -> assertEquals(1, n.get(), id + " computed once"));
    for (String id : ids) {
      assertEquals("value of " + id, redis.get("p:" + id), "stored");
      assertFalse(redis.exists("p/lock:" + id), "the store released the lock");
    }
    assertTrue(pipelined(a) > 0, "the acquire scripts queued behind the pause shared round trips");
  }

  @Test
  void aWrongTypeInAPipelinedBatchFailsOnlyItsOwnCallerAndNamesItsKey() throws Exception {
    MemoLock<String> lock = track(builder(pooled(64), "w").build());
    redis.hset("w/lock:bad", "f", "v"); // the acquire script refuses a lock key of another type
    List<String> ids = ids("good", 20);
    ids.add(10, "bad");
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      pauseWrites(300);
      List<Future<String>> results = getAll(executor, lock, ids, Duration.ofSeconds(10));
      for (int i = 0; i < ids.size(); i++) {
        String id = ids.get(i);
        if (id.equals("bad")) {
          ExecutionException e =
              assertThrows(ExecutionException.class, () -> results.get(10).get(10, TimeUnit.SECONDS));
          MemoLockException m = assertInstanceOf(MemoLockException.class, e.getCause());
          assertTrue(m.getMessage().contains("wrong Redis type"), m.getMessage());
          assertTrue(m.getMessage().contains("w/lock:bad"), m.getMessage());
        } else {
          assertEquals("value of " + id, results.get(i).get(10, TimeUnit.SECONDS));
        }
      }
    }
    assertEquals("v", redis.hget("w/lock:bad", "f"), "the hash is left as it was");
    assertTrue(pipelined(lock) > 0, "else this test does not test a pipeline");
  }

  @Test
  void scriptsUnknownToTheServerInAPipelineAreSentInFullByEachCaller() throws Exception {
    MemoLock<String> lock = track(builder(pooled(64), "n").build());
    redis.scriptFlush(); // every EVALSHA of the batch answers NOSCRIPT
    List<String> ids = ids("id", 30);
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      pauseWrites(300);
      List<Future<String>> results = getAll(executor, lock, ids, Duration.ofSeconds(10));
      for (int i = 0; i < ids.size(); i++) {
        assertEquals("value of " + ids.get(i), results.get(i).get(10, TimeUnit.SECONDS));
      }
    }
    assertEquals(30, lock.metrics().computations());
  }

  @SuppressWarnings("deprecation")
  @Test
  void aPipelineWhoseConnectionDiesSendsEachCommandAgainForItsOwnAnswer() throws Exception {
    MemoLock<String> lock = track(builder(pooled(64), "d").build());
    List<String> ids = ids("id", 30);
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      pauseWrites(2_000);
      List<Future<String>> results = getAll(executor, lock, ids, Duration.ofSeconds(20));
      Thread.sleep(200); // the first scripts are held by the pause, the others queue behind them
      // Kill the connections whose scripts are held: their batches fail as a whole.
      String list =
          new String((byte[]) redis.sendCommand(Protocol.Command.CLIENT, "LIST"), StandardCharsets.UTF_8);
      int killed = 0;
      for (String line : list.split("\n")) {
        if (line.contains("cmd=evalsha")) {
          String id = line.substring(3, line.indexOf(' '));
          redis.sendCommand(Protocol.Command.CLIENT, "KILL", "ID", id);
          killed++;
        }
      }
      assertTrue(killed > 0, "a script was held: " + list);
      unpause();
      for (int i = 0; i < ids.size(); i++) {
        assertEquals("value of " + ids.get(i), results.get(i).get(20, TimeUnit.SECONDS));
      }
    }
    assertEquals(30, lock.metrics().computations(), "each id computed once");
    for (String id : ids) {
      assertFalse(redis.exists("d/lock:" + id), "no lock left behind");
    }
  }

  @Test
  void aCallerWhoseScriptIsQueuedKeepsItsOwnTimeoutAndInterrupt() throws Exception {
    MemoLock<String> lock = track(builder(pooled(64), "t").build());
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      pauseWrites(3_000);
      // Two puts hold the two batches in flight; the third queues in the pipeline.
      List<Future<?>> held = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        String id = "held" + i;
        held.add(executor.submit(() -> lock.put(id, "v", Duration.ofMinutes(1))));
      }
      Thread.sleep(100);
      CountDownLatch queued = new CountDownLatch(1);
      Future<Throwable> interrupted =
          executor.submit(
              () -> {
                queued.countDown();
                try {
                  lock.put("queued", "v", Duration.ofMinutes(1));
                  return null;
                } catch (RuntimeException e) {
                  assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag is kept");
                  return e;
                }
              });
      assertTrue(queued.await(5, TimeUnit.SECONDS));
      Thread.sleep(100);
      interrupted.cancel(true);
      // A get whose acquire script is queued ends at its own timeout.
      MemoLockTimeoutException timeout =
          assertThrows(
              MemoLockTimeoutException.class,
              () -> lock.get("slow", Duration.ofMillis(200), l -> Computed.of("late")));
      assertEquals("slow", timeout.id());
      unpause();
      for (Future<?> f : held) {
        f.get(10, TimeUnit.SECONDS);
      }
    }
    assertEquals("v", redis.get("t:held0"));
    // The interrupted put's fate is not the others': check it directly, interrupt set first.
    pauseWrites(1_000);
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 2; i++) {
        String id = "again" + i;
        executor.submit(() -> lock.put(id, "v", Duration.ofMinutes(1)));
      }
      Thread.sleep(100);
      Future<Throwable> flagged =
          executor.submit(
              () -> {
                Thread.currentThread().interrupt();
                try {
                  lock.put("flagged", "v", Duration.ofMinutes(1));
                  return null;
                } catch (RuntimeException e) {
                  return e;
                } finally {
                  Thread.interrupted();
                }
              });
      assertInstanceOf(MemoLockInterruptedException.class, flagged.get(5, TimeUnit.SECONDS));
      unpause();
    }
    assertNull(redis.get("t:flagged"), "an interrupted put never ran");
    assertEquals("late", lock.get("slow", Duration.ofSeconds(5), l -> Computed.of("late")));
    assertEquals(0, ((Engine<String>) lock).activeFlights(), "nothing left registered");
  }
}
