package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.SetParams;

class MetricsAndThreadsTest extends RedisFixture {

  @Test
  void everyCounterCountsWhatItNames() throws Exception {
    MemoLock<String> a = memoLock(redis, "m");
    MemoLock<String> b = memoLock(client(), "m");
    // computation + hit
    a.get("one", Duration.ofSeconds(5), l -> Computed.of("1"));
    a.get("one", Duration.ofSeconds(5), l -> Computed.of("x"));
    // a wait woken by a notification, with coalesced callers
    CountDownLatch computing = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> holder =
          executor.submit(
              () ->
                  a.get(
                      "two",
                      Duration.ofSeconds(5),
                      l -> {
                        computing.countDown();
                        finish.await();
                        return Computed.of("2");
                      }));
      assertTrue(computing.await(5, TimeUnit.SECONDS));
      List<Future<String>> waiters = new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) {
        waiters.add(executor.submit(() -> b.get("two", Duration.ofSeconds(5), l -> Computed.of("x"))));
      }
      Leftovers.awaitSubscribers(redis, "m/notif:two", 1);
      // Its re-check after subscribing done, only the notification can serve it.
      Leftovers.await(
          "two waits",
          () -> "WAITING".equals(((io.memolock.internal.Engine<?>) b).flightState("two")));
      Thread.sleep(20); // so that the wait time recorded below is at least 20 ms
      finish.countDown();
      assertEquals("2", holder.get());
      for (Future<String> w : waiters) {
        assertEquals("2", w.get());
      }
    }
    // a timeout and a failure
    redis.set("m/lock:three", "foreign", SetParams.setParams().px(10_000));
    assertThrows(
        io.memolock.MemoLockTimeoutException.class,
        () -> b.get("three", Duration.ofMillis(50), l -> Computed.of("x")));
    assertThrows(
        ComputationFailedException.class,
        () -> b.get("four", Duration.ofSeconds(5), l -> {
          throw new IllegalStateException("no");
        }));
    // a takeover
    redis.set("m/lock:five", "dead", SetParams.setParams().px(100));
    b.get("five", Duration.ofSeconds(5), l -> Computed.of("5"));

    Metrics ma = a.metrics();
    assertEquals(1, ma.hits());
    assertEquals(2, ma.computations());
    Metrics mb = b.metrics();
    assertEquals(3, mb.waits(), "three callers waited for another process");
    assertEquals(1, mb.wakeUps(), "one flight was woken by one notification");
    assertEquals(2, mb.coalesced(), "two callers joined the first one's flight");
    assertEquals(1, mb.timeouts());
    assertEquals(1, mb.failures());
    assertEquals(1, mb.takeovers());
    assertEquals(2, mb.computations());
    assertEquals(3, mb.waitTime().count());
    assertTrue(mb.waitTime().p50Micros() >= 20_000, "waited at least 20 ms: " + mb.waitTime());
    assertTrue(mb.waitTime().maxMicros() >= mb.waitTime().p99Micros());
  }

  @Test
  void closeEndsEveryThreadTheMemoLockStarted() throws Exception {
    List<Thread> started = new CopyOnWriteArrayList<>();
    ThreadFactory tracking =
        r -> {
          Thread t = Thread.ofVirtual().unstarted(r);
          started.add(t);
          return t;
        };
    MemoLock<String> lock =
        builder(client(), "threads")
            .threadFactory(tracking)
            .lockTimeout(Duration.ofMillis(300))
            .build();
    redis.set("threads/lock:w", "foreign", SetParams.setParams().px(30_000));
    CountDownLatch computing = new CountDownLatch(1);
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> waiting =
          executor.submit(() -> lock.get("w", Duration.ofSeconds(30), l -> Computed.of("x")));
      Future<String> running =
          executor.submit(
              () ->
                  lock.get(
                      "c",
                      Duration.ofSeconds(30),
                      l -> {
                        computing.countDown();
                        Thread.sleep(60_000);
                        return Computed.of("never");
                      }));
      assertTrue(computing.await(5, TimeUnit.SECONDS));
      Leftovers.awaitSubscribers(redis, "threads/notif:w", 1);
      assertTrue(started.size() >= 3, "flight, lease renewer and waiter threads");
      lock.close();
      assertThrows(java.util.concurrent.ExecutionException.class, () -> waiting.get(5, TimeUnit.SECONDS));
      assertThrows(java.util.concurrent.ExecutionException.class, () -> running.get(5, TimeUnit.SECONDS));
    }
    for (Thread t : started) {
      t.join(5_000);
      assertTrue(!t.isAlive(), "still alive after close: " + t);
    }
    assertTrue(!redis.exists("threads/lock:c"), "the interrupted computation released its lock");
  }
}
