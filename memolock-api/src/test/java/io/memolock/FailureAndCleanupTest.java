package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Protocol;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.SetParams;

class FailureAndCleanupTest extends RedisFixture {

  @Test
  void aFailedComputationReleasesTheLockAndFailsWaitersElsewhereAtOnce() throws Exception {
    MemoLock<String> holder = memoLock(redis, "report");
    MemoLock<String> other = memoLock(client(), "report");
    CountDownLatch computing = new CountDownLatch(1);
    CountDownLatch fail = new CountDownLatch(1);
    IllegalStateException original = new IllegalStateException("backend down");
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> h =
          executor.submit(
              () ->
                  holder.get(
                      "r",
                      Duration.ofSeconds(30),
                      lease -> {
                        computing.countDown();
                        fail.await();
                        throw original;
                      }));
      assertTrue(computing.await(5, TimeUnit.SECONDS));
      Future<String> w =
          executor.submit(() -> other.get("r", Duration.ofSeconds(30), l -> Computed.of("no")));
      Leftovers.awaitSubscribers(redis, "report/notif:r", 1);
      // Its re-check after subscribing must be done: one after the failed holder's release (no
      // failure TTL here) would rightly compute instead of hearing the failure.
      Leftovers.await(
          "the waiter waits",
          () -> "WAITING".equals(((io.memolock.internal.Engine<?>) other).flightState("r")));
      long failedAt = System.nanoTime();
      fail.countDown();
      ExecutionException inHolder = assertThrows(ExecutionException.class, h::get);
      ComputationFailedException local =
          assertInstanceOf(ComputationFailedException.class, inHolder.getCause());
      assertSame(original, local.getCause(), "the holder's JVM sees the original object");
      ExecutionException inWaiter =
          assertThrows(ExecutionException.class, () -> w.get(5, TimeUnit.SECONDS));
      long tookMs = (System.nanoTime() - failedAt) / 1_000_000;
      ComputationFailedException remote =
          assertInstanceOf(ComputationFailedException.class, inWaiter.getCause());
      assertTrue(remote.remote());
      assertEquals(IllegalStateException.class.getName(), remote.failureClass());
      assertEquals("backend down", remote.failureMessage());
      assertTrue(tookMs < 5_000, "waiter sat " + tookMs + " ms");
    }
    assertFalse(redis.exists("report/lock:r"), "the failed holder released its lock");
    assertEquals("fresh", other.get("r", Duration.ofSeconds(5), l -> Computed.of("fresh")));
  }

  @Test
  void retryPolicyLetsAWaiterRecompute() throws Exception {
    MemoLock<String> holder = memoLock(redis, "report");
    MemoLock<String> retrying =
        track(builder(client(), "report").failurePolicy(FailurePolicy.RETRY).build());
    CountDownLatch computing = new CountDownLatch(1);
    CountDownLatch fail = new CountDownLatch(1);
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> h =
          executor.submit(
              () ->
                  holder.get(
                      "r",
                      Duration.ofSeconds(30),
                      lease -> {
                        computing.countDown();
                        fail.await();
                        throw new IllegalStateException("flaky");
                      }));
      assertTrue(computing.await(5, TimeUnit.SECONDS));
      Future<String> w =
          executor.submit(
              () -> retrying.get("r", Duration.ofSeconds(30), l -> Computed.of("second try")));
      Leftovers.awaitSubscribers(redis, "report/notif:r", 1);
      fail.countDown();
      assertThrows(ExecutionException.class, h::get);
      assertEquals("second try", w.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void aRememberedFailureFailsLaterRequestsUntilItExpires() throws Exception {
    MemoLock<String> lock =
        track(builder(redis, "report").failureTtl(Duration.ofMillis(300)).build());
    AtomicInteger runs = new AtomicInteger();
    for (int i = 0; i < 3; i++) {
      assertThrows(
          ComputationFailedException.class,
          () ->
              lock.get(
                  "r",
                  Duration.ofSeconds(5),
                  l -> {
                    runs.incrementAndGet();
                    throw new IllegalStateException("down");
                  }));
    }
    assertEquals(1, runs.get(), "the backend is not hammered while the failure is remembered");
    Thread.sleep(400);
    assertEquals("up", lock.get("r", Duration.ofSeconds(5), l -> Computed.of("up")));
  }

  @Test
  void aCrashedHolderIsTakenOverBeforeTheCallersTimeout() throws Exception {
    MemoLock<String> lock = memoLock(redis, "report");
    // A holder that died: its lock lives 300 ms more and no value will ever come.
    redis.set("report/lock:c", "dead-holder", SetParams.setParams().px(300));
    long start = System.nanoTime();
    String value = lock.get("c", Duration.ofSeconds(10), l -> Computed.of("taken over"));
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals("taken over", value);
    assertEquals(1, lock.metrics().takeovers());
    assertTrue(tookMs < 5_000, "took " + tookMs + " ms");
  }

  @Test
  void closeFailsEveryPendingWaiterAtOnceAndReleasesTheSubscriber() throws Exception {
    RedisClientCount clients = new RedisClientCount(redis);
    long before = clients.pubsubConnections();
    var client = client();
    MemoLock<String> lock = memoLock(client, "query");
    redis.set("query/lock:x", "foreign", SetParams.setParams().px(30_000));
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      java.util.List<Future<String>> waiters = new java.util.ArrayList<>();
      for (int i = 0; i < 20; i++) {
        waiters.add(
            executor.submit(() -> lock.get("x", Duration.ofSeconds(30), l -> Computed.of("no"))));
      }
      Leftovers.awaitSubscribers(redis, "query/notif:x", 1);
      assertEquals(before + 1, clients.pubsubConnections());
      long closedAt = System.nanoTime();
      lock.close();
      for (Future<String> w : waiters) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> w.get(5, TimeUnit.SECONDS));
        assertInstanceOf(MemoLockClosedException.class, e.getCause());
      }
      assertTrue((System.nanoTime() - closedAt) / 1_000_000 < 2_000);
    }
    clients.awaitPubsubConnections(before);
    assertThrows(
        MemoLockClosedException.class,
        () -> lock.get("x", Duration.ofSeconds(1), l -> Computed.of("no")));
    assertEquals("foreign", redis.get("query/lock:x"), "close does not touch others' locks");
  }

  @Test
  void anInterruptedWaiterKeepsItsFlagAndLeavesNothingRegistered() throws Exception {
    MemoLock<String> lock = memoLock(redis, "query");
    redis.set("query/lock:i", "foreign", SetParams.setParams().px(30_000));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> flag = new AtomicReference<>();
    Thread waiter =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    lock.get("i", Duration.ofSeconds(30), l -> Computed.of("no"));
                  } catch (RuntimeException e) {
                    thrown.set(e);
                    flag.set(Thread.currentThread().isInterrupted());
                  }
                });
    Leftovers.awaitSubscribers(redis, "query/notif:i", 1);
    waiter.interrupt();
    waiter.join(5_000);
    assertInstanceOf(MemoLockInterruptedException.class, thrown.get());
    assertTrue(flag.get(), "the interrupt flag is kept");
    Leftovers.assertNone(lock, redis, "query/notif:i", "query/fail:i");
  }

  @Test
  void aFailedComputationDoesNotWriteAValue() {
    MemoLock<String> lock = memoLock(redis, "report");
    assertThrows(
        ComputationFailedException.class,
        () -> lock.get("nope", Duration.ofSeconds(5), l -> {
          throw new java.io.IOException("disk");
        }));
    assertNull(redis.get("report:nope"));
    assertFalse(redis.exists("report/lock:nope"));
  }


  /** Counts this server's Pub/Sub connections with CLIENT LIST. */
  record RedisClientCount(redis.clients.jedis.UnifiedJedis client) {
    @SuppressWarnings("deprecation")
    long pubsubConnections() {
      Object reply = client.sendCommand(Protocol.Command.CLIENT, "LIST");
      String list =
          reply instanceof byte[] b
              ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
              : String.valueOf(reply);
      return list.lines().filter(l -> l.contains(" sub=") && !l.contains(" sub=0 ")).count();
    }

    void awaitPubsubConnections(long expected) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (System.nanoTime() < deadline) {
        if (pubsubConnections() == expected) {
          return;
        }
        Thread.sleep(10);
      }
      assertEquals(expected, pubsubConnections(), "Pub/Sub connections after close");
    }
  }
}
