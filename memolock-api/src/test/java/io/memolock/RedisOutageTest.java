package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.internal.Engine;
import io.memolock.internal.TestStorage;
import io.memolock.testkit.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/** A private redis-server process per test, restarted or with its Pub/Sub clients killed. */
class RedisOutageTest {
  private TestRedis server;
  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeEach
  void start() {
    server = TestRedis.startPrivate();
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    server.stop();
  }

  private RedisClient client() {
    RedisClient c = server.newClient();
    opened.add(c);
    return c;
  }

  private MemoLock<String> memoLock(RedisClient client) {
    MemoLock<String> lock =
        MemoLock.builder(client, TestStorage.utf8())
            .tag("outage")
            .lockTimeout(Duration.ofSeconds(2))
            .build();
    opened.add(lock);
    return lock;
  }

  @Test
  void redisRestartedWhile500WaitersWait_everyoneEndsBeforeTheTimeout() throws Exception {
    RedisClient admin = client();
    List<MemoLock<String>> locks = List.of(memoLock(client()), memoLock(client()));
    for (int k = 0; k < 50; k++) {
      admin.set("outage/lock:k" + k, "foreign-holder", SetParams.setParams().px(60_000));
    }
    Duration timeout = Duration.ofSeconds(20);
    List<Future<String>> waiters = new ArrayList<>();
    long start = System.nanoTime();
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 500; i++) {
        MemoLock<String> lock = locks.get(i % 2);
        String id = "k" + (i / 2 % 50);
        waiters.add(
            executor.submit(() -> lock.get(id, timeout, l -> Computed.of("after restart " + id))));
      }
      for (int k = 0; k < 50; k++) {
        Leftovers.awaitSubscribers(admin, "outage/notif:k" + k, 2);
      }
      server.restart(); // same port, empty: the foreign locks are gone
      int values = 0;
      int clearFailures = 0;
      for (int i = 0; i < waiters.size(); i++) {
        try {
          String v = waiters.get(i).get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
          assertEquals("after restart k" + (i / 2 % 50), v);
          values++;
        } catch (ExecutionException e) {
          assertTrue(e.getCause() instanceof MemoLockException, "unclear failure: " + e.getCause());
          clearFailures++;
          if (clearFailures <= 3) {
            e.getCause().printStackTrace(System.out);
          }
        } catch (TimeoutException e) {
          throw new AssertionError("a waiter hung past its timeout", e);
        }
      }
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      System.out.println(
          "after a restart: " + values + " values, " + clearFailures + " clear failures, " + tookMs
              + " ms");
      assertEquals(500, values + clearFailures);
      assertTrue(tookMs < timeout.toMillis(), "took " + tookMs + " ms");
    }
    // Once Redis is back, everything works again.
    assertEquals("ok", locks.get(0).get("fresh", Duration.ofSeconds(5), l -> Computed.of("ok")));
  }

  @Test
  void clientKillTypePubsubDuringWaits_waitersAreStillWoken() throws Exception {
    RedisClient admin = client();
    MemoLock<String> lock = memoLock(client());
    Engine<?> engine = (Engine<?>) lock;
    admin.set("outage/lock:a", "foreign-holder", SetParams.setParams().px(60_000));
    admin.set("outage/lock:b", "foreign-holder", SetParams.setParams().px(60_000));
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> onA = new ArrayList<>();
      List<Future<String>> onB = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        onA.add(executor.submit(() -> lock.get("a", Duration.ofSeconds(30), l -> Computed.of("no"))));
        onB.add(executor.submit(() -> lock.get("b", Duration.ofSeconds(30), l -> Computed.of("no"))));
      }
      Leftovers.awaitSubscribers(admin, "outage/notif:a", 1);
      Leftovers.awaitSubscribers(admin, "outage/notif:b", 1);
      long connects = engine.subscriberConnects();
      killPubsubClients(admin);
      // Published while the subscriber is away: only the re-check after resubscribing finds it.
      admin.set("outage:a", "value-a");
      admin.publish("outage/notif:a", "value-a");
      for (Future<String> w : onA) {
        assertEquals("value-a", w.get(10, TimeUnit.SECONDS));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (engine.subscriberConnects() == connects && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(engine.subscriberConnects() > connects, "the subscriber did not reconnect");
      Leftovers.awaitSubscribers(admin, "outage/notif:b", 1);
      // Published after the reconnection: the notification itself wakes them.
      admin.set("outage:b", "value-b");
      admin.publish("outage/notif:b", "value-b");
      for (Future<String> w : onB) {
        assertEquals("value-b", w.get(10, TimeUnit.SECONDS));
      }
    }
    Leftovers.assertNone(lock, admin, "outage/notif:a", "outage/notif:b");
  }

  @Test
  void commandsFailClearlyWhileRedisIsDown() {
    MemoLock<String> lock = memoLock(client());
    server.stop();
    long start = System.nanoTime();
    MemoLockException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            MemoLockException.class,
            () -> lock.get("x", Duration.ofSeconds(30), l -> Computed.of("v")));
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
    assertTrue(tookMs < 10_000, "took " + tookMs + " ms to fail");
  }

  @SuppressWarnings("deprecation")
  private static void killPubsubClients(RedisClient admin) {
    admin.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "KILL", "TYPE", "pubsub");
  }
}
