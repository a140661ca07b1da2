package io.memolock.redis.strings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.ComputationFailedException;
import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.testkit.TestRedis;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The protocol on the oldest supported Redis: the 6.2 binary that the embedded-redis artifact ships, started
 * explicitly whatever {@code redis-server} is on PATH (the rest of the suite runs on that one, Redis 7 in CI). Covers
 * what differs across versions: the scripts ({@code SET NX PX}, {@code PTTL}, {@code PEXPIRE}), Pub/Sub wake-ups
 * across clients, failures, and the subscriber's {@code HELLO 2}.
 */
class OldestRedisTest {

  private static TestRedis redis;
  private static RedisClient a;
  private static RedisClient b;

  @BeforeAll
  static void start() {
    redis = TestRedis.startEmbedded();
    a = redis.newClient();
    b = redis.newClient();
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
    redis.stop();
  }

  private static MemoLock<String> memoLock(RedisClient client, String tag) {
    return MemoLock.builder(client, StringStorage.utf8())
        .tag(tag)
        .lockTimeout(Duration.ofSeconds(5))
        .build();
  }

  @Test
  void theBundledServerIsTheOldestSupportedVersion() {
    String info = a.info("server");
    assertTrue(info.contains("redis_version:6.2."), "embedded-redis ships Redis 6.2: " + info.lines().limit(3).toList());
  }

  @Test
  void missHitAndAWaiterWokenByTheNotification() throws Exception {
    try (MemoLock<String> holder = memoLock(a, "old");
        MemoLock<String> other = memoLock(b, "old");
        var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      CountDownLatch computing = new CountDownLatch(1);
      CountDownLatch finish = new CountDownLatch(1);
      Future<String> h =
          executor.submit(
              () ->
                  holder.get(
                      "k",
                      Duration.ofSeconds(30),
                      lease -> {
                        computing.countDown();
                        finish.await();
                        lease.extend(Duration.ofSeconds(5));
                        return Computed.of("v", Duration.ofSeconds(30));
                      }));
      assertTrue(computing.await(5, TimeUnit.SECONDS));
      Future<String> w = executor.submit(() -> other.get("k", Duration.ofSeconds(30), l -> Computed.of("no")));
      Leftovers.awaitSubscribers(a, "old/notif:k", 1);
      finish.countDown();
      assertEquals("v", h.get(10, TimeUnit.SECONDS));
      assertEquals("v", w.get(10, TimeUnit.SECONDS), "woken by the notification, not computed again");
      assertEquals(1, holder.metrics().computations() + other.metrics().computations());
      assertEquals("v", other.get("k", Duration.ofSeconds(5), l -> Computed.of("no")), "a hit");
      long ttl = a.pttl("old:k");
      assertTrue(ttl > 0 && ttl <= 30_000, "the computation's TTL, in milliseconds: " + ttl);
      assertEquals(-2, a.pttl("old/lock:k"), "the holder deleted its lock");
      Leftovers.assertNone(holder, a, "old/notif:k");
      Leftovers.assertNone(other, b, "old/notif:k");
    }
  }

  @Test
  void aFailureReachesTheWaiterInAnotherClient() throws Exception {
    try (MemoLock<String> holder = memoLock(a, "oldfail");
        MemoLock<String> other = memoLock(b, "oldfail");
        var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      CountDownLatch computing = new CountDownLatch(1);
      CountDownLatch fail = new CountDownLatch(1);
      Future<String> h =
          executor.submit(
              () ->
                  holder.get(
                      "k",
                      Duration.ofSeconds(30),
                      lease -> {
                        computing.countDown();
                        fail.await();
                        throw new IllegalStateException("backend down");
                      }));
      assertTrue(computing.await(5, TimeUnit.SECONDS));
      Future<String> w = executor.submit(() -> other.get("k", Duration.ofSeconds(30), l -> Computed.of("no")));
      // The failure travels on its own channel: wait for that subscription, or it can be missed
      // (no failure TTL here) and the waiter rightly computes for itself.
      Leftovers.awaitSubscribers(a, "oldfail/fail:k", 1);
      Leftovers.awaitWaiting(other, "k");
      fail.countDown();
      ExecutionException inHolder = assertThrows(ExecutionException.class, () -> h.get(10, TimeUnit.SECONDS));
      assertInstanceOf(ComputationFailedException.class, inHolder.getCause());
      ExecutionException inWaiter = assertThrows(ExecutionException.class, () -> w.get(10, TimeUnit.SECONDS));
      assertInstanceOf(ComputationFailedException.class, inWaiter.getCause());
      assertEquals(-2, a.pttl("oldfail/lock:k"), "the failed holder released its lock");
    }
  }

  @Test
  void putPublishesToAWaiterAndInvalidateDeletes() throws Exception {
    try (MemoLock<String> producer = memoLock(a, "oldput");
        MemoLock<String> waiter = memoLock(b, "oldput");
        var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      a.set("oldput/lock:k", "someone-else");
      Future<String> w = executor.submit(() -> waiter.get("k", Duration.ofSeconds(30), l -> Computed.of("no")));
      Leftovers.awaitSubscribers(a, "oldput/notif:k", 1);
      producer.put("k", "produced", Duration.ofSeconds(30));
      assertEquals("produced", w.get(10, TimeUnit.SECONDS));
      producer.invalidate("k");
      assertEquals(0, a.exists("oldput:k") ? 1 : 0);
      a.del("oldput/lock:k");
    }
  }
}
