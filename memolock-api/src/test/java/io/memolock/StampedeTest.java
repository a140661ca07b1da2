package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Four instances, each on its own default-configured client, released together. */
class StampedeTest extends RedisFixture {
  private static final int INSTANCES = 4;
  private static final int THREADS = 250;

  @Test
  void oneColdKey_oneComputation_thousandCorrectValues() throws Exception {
    List<MemoLock<String>> locks = instances("stampede");
    AtomicInteger computations = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> results = new ArrayList<>();
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (MemoLock<String> lock : locks) {
        for (int t = 0; t < THREADS; t++) {
          results.add(
              executor.submit(
                  () -> {
                    start.await();
                    return lock.get(
                        "cold",
                        Duration.ofSeconds(30),
                        lease -> {
                          computations.incrementAndGet();
                          Thread.sleep(100);
                          return Computed.of("the value", Duration.ofSeconds(60));
                        });
                  }));
        }
      }
      start.countDown();
      for (Future<String> f : results) {
        assertEquals("the value", f.get(60, TimeUnit.SECONDS));
      }
    }
    assertEquals(1, computations.get());
    assertEquals(INSTANCES * THREADS, results.size());
    long computedByMetrics = locks.stream().mapToLong(l -> l.metrics().computations()).sum();
    assertEquals(1, computedByMetrics);
    for (MemoLock<String> lock : locks) {
      if (lock.metrics().computations() == 1) {
        // 250 callers: the holder listened to its own notification; that is no wake-up
        assertEquals(0, lock.metrics().wakeUps(), "the holder's own notification is not counted");
      }
      Leftovers.assertNone(lock, redis, "stampede/notif:cold", "stampede/fail:cold");
    }
  }

  @Test
  void aFailingComputationWithManyCallersFailsThemAllAndLeavesNothingSubscribed()
      throws Exception {
    List<MemoLock<String>> locks = instances("failing");
    AtomicInteger computations = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> results = new ArrayList<>();
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (MemoLock<String> lock : locks) {
        for (int t = 0; t < 100; t++) {
          results.add(
              executor.submit(
                  () -> {
                    start.await();
                    return lock.get(
                        "cold",
                        Duration.ofSeconds(30),
                        lease -> {
                          computations.incrementAndGet();
                          // Fail only once every caller is in a flight and every other instance
                          // listens for the failure: a caller that arrives after the failure
                          // rightly computes again (no failure TTL here), and on a loaded machine
                          // a fixed delay does not ensure they all arrived.
                          Leftovers.await(
                              "every caller waits for this computation",
                              () ->
                                  locks.stream().mapToLong(l -> l.metrics().coalesced()).sum()
                                          == locks.size() * 99L
                                      // the holder's instance may listen too (32+ joiners)
                                      && Leftovers.subscribers(redis, "failing/fail:cold")
                                          >= locks.size() - 1);
                          throw new IllegalStateException("backend down");
                        });
                  }));
        }
      }
      start.countDown();
      for (Future<String> f : results) {
        java.util.concurrent.ExecutionException e =
            org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> f.get(60, TimeUnit.SECONDS));
        assertTrue(
            e.getCause() instanceof io.memolock.ComputationFailedException, e.getCause().toString());
      }
    }
    assertEquals(1, computations.get(), "the failure reached every waiter: nobody recomputed");
    for (MemoLock<String> lock : locks) {
      Leftovers.assertNone(lock, redis, "failing/notif:cold", "failing/fail:cold");
    }
    assertTrue(!redis.exists("failing/lock:cold"), "the lock is released");
  }

  @Test
  void thousandDistinctColdKeys_defaultPoolSize_noHang() throws Exception {
    List<MemoLock<String>> locks = instances("many");
    Map<String, AtomicInteger> computedPerKey = new ConcurrentHashMap<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    int keys = INSTANCES * THREADS;
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int j = 0; j < INSTANCES; j++) {
        MemoLock<String> lock = locks.get(j);
        int instance = j;
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          results.add(
              executor.submit(
                  () -> {
                    start.await();
                    int served = 0;
                    // Every key is asked for by every instance, in a different round each.
                    for (int round = 0; round < INSTANCES; round++) {
                      String id = "k" + (thread * INSTANCES + (instance + round) % INSTANCES);
                      String value =
                          lock.get(
                              id,
                              Duration.ofSeconds(30),
                              lease -> {
                                computedPerKey
                                    .computeIfAbsent(id, k -> new AtomicInteger())
                                    .incrementAndGet();
                                Thread.sleep(1);
                                return Computed.of("value of " + id);
                              });
                      assertEquals("value of " + id, value);
                      served++;
                    }
                    return served;
                  }));
        }
      }
      start.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      int served = 0;
      for (Future<Integer> f : results) {
        // A hang fails the test instead of hanging the build.
        served += f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
      assertEquals(keys * INSTANCES, served);
    }
    assertEquals(keys, computedPerKey.size());
    assertTrue(
        computedPerKey.values().stream().allMatch(c -> c.get() == 1),
        "some key was computed more than once: " + computedPerKey);
  }

  private List<MemoLock<String>> instances(String tag) {
    List<MemoLock<String>> locks = new ArrayList<>();
    for (int i = 0; i < INSTANCES; i++) {
      locks.add(memoLock(client(), tag)); // RedisClient defaults: a pool of 8, unbounded wait
    }
    return locks;
  }
}
