package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.internal.Engine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * First reads that arrive while batches are in flight (or while every permit is taken) share one
 * {@code MGET}, whatever the pool size; a lone read goes out alone; whatever goes wrong in a batch,
 * every caller still gets the answer about its own key.
 */
class BatchedReadTest extends RedisFixture {

  /** A client with a pool of {@code size} connections, closed after the test. */
  private RedisClient pooled(int size) {
    ConnectionPoolConfig config = new ConnectionPoolConfig();
    config.setMaxTotal(size);
    config.setMaxIdle(size);
    return track(
        RedisClient.builder().hostAndPort(REDIS.host(), REDIS.port()).poolConfig(config).build());
  }

  private static Engine<String> engine(MemoLock<String> lock) {
    return (Engine<String>) lock;
  }

  /**
   * Holds the only permit of {@code lock}'s client with a reader that blocks until {@code
   * release} opens, so that every read started meanwhile queues.
   */
  private static Future<?> holdThePermit(
      ExecutorService executor, MemoLock<String> lock, CountDownLatch release)
      throws InterruptedException {
    CountDownLatch held = new CountDownLatch(1);
    Future<?> holder =
        executor.submit(
            () ->
                lock.readIfPresent(
                    "holder",
                    (r, key) -> {
                      held.countDown();
                      try {
                        release.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return null;
                    }));
    assertTrue(held.await(5, TimeUnit.SECONDS));
    return holder;
  }

  /**
   * Stalls every command for {@code millis} ({@code CLIENT PAUSE}), from another connection, so
   * that the reads in flight stay in flight while others arrive.
   */
  @SuppressWarnings("deprecation")
  private void pauseClients(long millis) {
    redis.sendCommand(Protocol.Command.CLIENT, "PAUSE", Long.toString(millis), "ALL");
  }

  private List<Future<Optional<String>>> readAll(ExecutorService executor, MemoLock<String> lock, int n) {
    List<Future<Optional<String>>> reads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = "k" + i;
      reads.add(executor.submit(() -> lock.getIfPresent(id)));
    }
    return reads;
  }

  @Test
  void readsArrivingWhileBatchesAreInFlightShareRoundTripsWhateverThePoolSize() throws Exception {
    MemoLock<String> lock = track(builder(pooled(256), "b").build());
    for (int i = 0; i < 60; i++) {
      redis.set("b:k" + i, "v" + i);
    }
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      pauseClients(300); // the first reads stay in flight while the others arrive
      List<Future<Optional<String>>> reads = readAll(executor, lock, 60);
      for (int i = 0; i < 60; i++) {
        assertEquals(Optional.of("v" + i), reads.get(i).get(10, TimeUnit.SECONDS));
      }
    }
    // At most two reads went out before the pause ended (two batches in flight); the other 58,
    // or more, shared round trips although 256 connections were free.
    assertTrue(engine(lock).batchedReads() >= 58, "batched: " + engine(lock).batchedReads());
  }

  @Test
  void aLoneReadGoesOutAloneAndBatchingCanBeTurnedOff() throws Exception {
    MemoLock<String> lock = track(builder(pooled(8), "b").build());
    redis.set("b:k0", "v0");
    assertEquals(Optional.of("v0"), lock.getIfPresent("k0"));
    assertEquals(0, engine(lock).batchedReads(), "a lone read is a plain GET");

    MemoLock<String> off = track(builder(pooled(256), "b").batchReads(false).build());
    for (int i = 0; i < 20; i++) {
      redis.set("b:k" + i, "v" + i);
    }
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      pauseClients(200);
      List<Future<Optional<String>>> reads = readAll(executor, off, 20);
      for (int i = 0; i < 20; i++) {
        assertEquals(Optional.of("v" + i), reads.get(i).get(10, TimeUnit.SECONDS));
      }
    }
    assertEquals(0, engine(off).batchedReads(), "batchReads(false): every read alone");
  }

  @Test
  void readsQueuedBehindABusyClientShareOneRoundTrip() throws Exception {
    MemoLock<String> lock = track(builder(pooled(1), "b").build());
    for (int i = 0; i < 40; i++) {
      redis.set("b:k" + i, "v" + i);
    }
    CountDownLatch release = new CountDownLatch(1);
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> holder = holdThePermit(executor, lock, release);
      List<Future<Optional<String>>> reads = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String id = "k" + i;
        reads.add(executor.submit(() -> lock.getIfPresent(id)));
      }
      for (int i = 40; i < 50; i++) { // missing ones batch too
        String id = "k" + i;
        reads.add(executor.submit(() -> lock.getIfPresent(id)));
      }
      Thread.sleep(50); // every read has queued by now
      release.countDown();
      holder.get(5, TimeUnit.SECONDS);
      for (int i = 0; i < 50; i++) {
        assertEquals(
            i < 40 ? Optional.of("v" + i) : Optional.empty(), reads.get(i).get(5, TimeUnit.SECONDS));
      }
    }
    assertEquals(50, engine(lock).batchedReads(), "all 50 in one MGET");
  }

  @Test
  void aStampedeOverManyIdsOnASmallPoolComputesEachIdOnceAndServesEveryValue() throws Exception {
    MemoLock<String> a = track(builder(pooled(2), "s").build());
    MemoLock<String> b = track(builder(pooled(2), "s").build());
    for (int i = 0; i < 300; i += 2) {
      redis.set("s:id" + i, "value of id" + i); // half of them cached, half computed
    }
    Map<String, AtomicInteger> computed = new ConcurrentHashMap<>();
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> results = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (int t = 0; t < 1_200; t++) {
        String id = "id" + (t * 7 % 300);
        MemoLock<String> lock = t % 2 == 0 ? a : b;
        ids.add(id);
        results.add(
            executor.submit(
                () ->
                    lock.get(
                        id,
                        Duration.ofSeconds(30),
                        l -> {
                          computed.computeIfAbsent(id, x -> new AtomicInteger()).incrementAndGet();
                          return Computed.of("value of " + id, Duration.ofMinutes(1));
                        })));
      }
      for (int t = 0; t < results.size(); t++) {
        assertEquals("value of " + ids.get(t), results.get(t).get(30, TimeUnit.SECONDS));
      }
    }
    assertEquals(150, computed.size(), "exactly the missing ids were computed");
    computed.forEach((id, n) -> assertEquals(1, n.get(), id + " computed once"));
    assertTrue(
        engine(a).batchedReads() + engine(b).batchedReads() > 0,
        "a saturated pool batches (else this test does not test batching)");
  }

  @Test
  void anUndecodableValueFailsOnlyItsOwnCaller() throws Exception {
    MemoLock<String> lock = track(builder(pooled(1), "u").build());
    redis.set("u:good1", "one");
    redis.set("u:bad".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, (byte) 0x28});
    redis.set("u:good2", "two");
    CountDownLatch release = new CountDownLatch(1);
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> holder = holdThePermit(executor, lock, release);
      Future<Optional<String>> good1 = executor.submit(() -> lock.getIfPresent("good1"));
      Future<Optional<String>> bad = executor.submit(() -> lock.getIfPresent("bad"));
      Future<Optional<String>> good2 = executor.submit(() -> lock.getIfPresent("good2"));
      Thread.sleep(50);
      release.countDown();
      holder.get(5, TimeUnit.SECONDS);
      assertEquals(Optional.of("one"), good1.get(5, TimeUnit.SECONDS));
      assertEquals(Optional.of("two"), good2.get(5, TimeUnit.SECONDS));
      ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(5, TimeUnit.SECONDS));
      CodecException codec = assertInstanceOf(CodecException.class, e.getCause());
      assertTrue(codec.getMessage().contains("bad"), codec.getMessage());
    }
    assertEquals(0, engine(lock).batchedReads(), "the failed batch counted nothing");
  }

  @Test
  void aWrongTypeIsStillReportedAsSuchWhenItsReadWasBatched() throws Exception {
    MemoLock<String> lock = track(builder(pooled(1), "w").build());
    redis.hset("w:hash", "f", "v"); // MGET reads a hash as nil
    redis.set("w:fine", "fine");
    CountDownLatch release = new CountDownLatch(1);
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> holder = holdThePermit(executor, lock, release);
      Future<String> wrong =
          executor.submit(
              () -> lock.get("hash", Duration.ofSeconds(5), l -> Computed.of("must not run")));
      Future<String> fine =
          executor.submit(
              () -> lock.get("fine", Duration.ofSeconds(5), l -> Computed.of("must not run")));
      Thread.sleep(50);
      release.countDown();
      holder.get(5, TimeUnit.SECONDS);
      assertEquals("fine", fine.get(5, TimeUnit.SECONDS));
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> wrong.get(5, TimeUnit.SECONDS));
      MemoLockException m = assertInstanceOf(MemoLockException.class, e.getCause());
      assertTrue(m.getMessage().contains("wrong Redis type"), m.getMessage());
    }
    assertEquals("v", redis.hget("w:hash", "f"), "the hash is left as it was");
    assertEquals(0, lock.metrics().computations());
  }

  @Test
  void anInterruptedQueuedReaderLeavesTheOthersAlone() throws Exception {
    MemoLock<String> lock = track(builder(pooled(1), "i").build());
    redis.set("i:a", "A");
    redis.set("i:b", "B");
    CountDownLatch release = new CountDownLatch(1);
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> holder = holdThePermit(executor, lock, release);
      Future<Optional<String>> a = executor.submit(() -> lock.getIfPresent("a"));
      Future<Optional<String>> b = executor.submit(() -> lock.getIfPresent("b"));
      Thread.sleep(50);
      a.cancel(true); // interrupts the queued reader
      Thread.sleep(20);
      release.countDown();
      holder.get(5, TimeUnit.SECONDS);
      assertEquals(Optional.of("B"), b.get(5, TimeUnit.SECONDS));
    }
    // The interrupted caller got MemoLockInterruptedException (a cancelled Future hides it):
    // check the same path directly, with the interrupt flag set before the read queues.
    CountDownLatch release2 = new CountDownLatch(1);
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> holder = holdThePermit(executor, lock, release2);
      Future<Throwable> interrupted =
          executor.submit(
              () -> {
                Thread.currentThread().interrupt();
                try {
                  lock.getIfPresent("a");
                  return null;
                } catch (RuntimeException e) {
                  return e;
                } finally {
                  Thread.interrupted();
                }
              });
      assertInstanceOf(MemoLockInterruptedException.class, interrupted.get(5, TimeUnit.SECONDS));
      release2.countDown();
      holder.get(5, TimeUnit.SECONDS);
    }
    assertEquals(Optional.of("A"), lock.getIfPresent("a"), "the client still works");
  }
}
