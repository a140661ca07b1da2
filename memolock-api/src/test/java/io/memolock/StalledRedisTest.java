package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * A server that stops answering ({@code SIGSTOP}) while keeping its connections open: a command
 * then blocks until the client's socket timeout, here one minute. Callers must still return at
 * their own timeout, on every path (a hit's read, a batched read, a joiner, a holder's store), and
 * everything must work again once the server goes on ({@code SIGCONT}).
 */
class StalledRedisTest {
  private static final Duration CALLER_TIMEOUT = Duration.ofMillis(300);

  @Test
  void callersReturnAtTheirOwnTimeoutWhileRedisIsStalledAndEverythingRecoversAfter()
      throws Exception {
    TestRedis server = TestRedis.startPrivate();
    try (RedisClient client =
            RedisClient.builder()
                .hostAndPort(server.host(), server.port())
                .clientConfig(DefaultJedisClientConfig.builder().socketTimeoutMillis(60_000).build())
                .build();
        MemoLock<String> lock =
            MemoLock.builder(client, TestStorage.utf8())
                .tag("query")
                .lockTimeout(Duration.ofSeconds(2))
                .build()) {
      lock.put("cached", "hit", Duration.ofMinutes(1));
      assertEquals("hit", lock.get("cached", Duration.ofSeconds(5), l -> Computed.of("no")));

      List<Future<?>> calls = new ArrayList<>();
      long stalledAt;
      try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
        Future<String> holder =
            threads.submit(
                () ->
                    lock.get(
                        "held",
                        Duration.ofSeconds(1),
                        l -> {
                          server.pause(); // the holder's store meets the stalled server
                          return Computed.of("late");
                        }));
        Leftovers.await("the server is stalled", () -> isStopped(server));
        stalledAt = System.nanoTime();
        for (int i = 0; i < 10; i++) {
          String cold = "cold-" + i;
          calls.add(threads.submit(() -> lock.get("cached", CALLER_TIMEOUT, l -> Computed.of("no"))));
          calls.add(threads.submit(() -> lock.get(cold, CALLER_TIMEOUT, l -> Computed.of("no"))));
          calls.add(threads.submit(() -> lock.get("shared", CALLER_TIMEOUT, l -> Computed.of("no"))));
        }
        calls.add(holder);
        try {
          for (Future<?> call : calls) {
            // 15 s is a liveness bound: without the callers' deadlines, each would sit out the
            // client's one-minute socket timeout.
            ExecutionException e =
                org.junit.jupiter.api.Assertions.assertThrows(
                    ExecutionException.class, () -> call.get(15, TimeUnit.SECONDS));
            assertInstanceOf(MemoLockTimeoutException.class, e.getCause(), e.getCause().toString());
          }
        } finally {
          server.resume();
        }
      }
      long stalledMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stalledAt);
      System.err.println("31 callers with 300 ms and 1 s timeouts all returned " + stalledMillis
          + " ms after the stall began");
      assertEquals(31, lock.metrics().timeouts());

      // Everything recovers: hits, new computations, the held id, and nothing stays registered.
      assertEquals("hit", lock.get("cached", Duration.ofSeconds(5), l -> Computed.of("no")));
      assertEquals("new", lock.get("after", Duration.ofSeconds(5), l -> Computed.of("new")));
      String held = lock.get("held", Duration.ofSeconds(5), l -> Computed.of("again"));
      assertTrue(held.equals("late") || held.equals("again"), held);
      Leftovers.await("no flight left", () -> ((Engine<?>) lock).activeFlights() == 0);
    } finally {
      server.stop();
    }
  }

  /** Whether the server's process is stopped (state T in /proc), i.e. pause() took effect. */
  private static boolean isStopped(TestRedis server) {
    try (RedisClient probe =
        RedisClient.builder()
            .hostAndPort(server.host(), server.port())
            .clientConfig(DefaultJedisClientConfig.builder().socketTimeoutMillis(100).build())
            .build()) {
      probe.ping();
      return false;
    } catch (RuntimeException e) {
      return true;
    }
  }
}
