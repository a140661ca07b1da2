package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CoreProtocolTest extends RedisFixture {

  @Test
  void computesOnceThenServesTheCachedValue() {
    MemoLock<String> lock = memoLock(redis, "query");
    AtomicInteger runs = new AtomicInteger();
    String first =
        lock.get("kristoff", Duration.ofSeconds(5), l -> Computed.of("v" + runs.incrementAndGet()));
    String second =
        lock.get("kristoff", Duration.ofSeconds(5), l -> Computed.of("v" + runs.incrementAndGet()));
    assertEquals("v1", first);
    assertEquals("v1", second);
    assertEquals(1, runs.get());
    assertEquals(1, lock.metrics().hits());
    assertEquals(1, lock.metrics().computations());
  }

  @Test
  void theComputationChoosesTheTtlAndTheLockIsReleasedAfterStoring() {
    MemoLock<String> lock = memoLock(redis, "query");
    lock.get("a", Duration.ofSeconds(5), l -> Computed.of("x", Duration.ofMillis(1500)));
    long pttl = redis.pttl("query:a");
    assertTrue(pttl > 1000 && pttl <= 1500, "PTTL was " + pttl);
    assertFalse(redis.exists("query/lock:a"), "the winner must delete its lock");
  }

  @Test
  void theDefaultTtlAppliesWhenTheComputationChoosesNone() {
    MemoLock<String> lock =
        track(builder(redis, "query").defaultTtl(Duration.ofSeconds(42)).build());
    lock.get("a", Duration.ofSeconds(5), l -> Computed.of("x"));
    long pttl = redis.pttl("query:a");
    assertTrue(pttl > 41_000 && pttl <= 42_000, "PTTL was " + pttl);
  }

  @Test
  void regression_shortValueTtlLeavesNoStaleLockBehind() throws Exception {
    MemoLock<String> lock = memoLock(redis, "query");
    lock.get("a", Duration.ofSeconds(5), l -> Computed.of("x", Duration.ofMillis(50)));
    Thread.sleep(120);
    // With the original, the lock outlived the value and this request timed out.
    String again = lock.get("a", Duration.ofSeconds(1), l -> Computed.of("y", Duration.ofMillis(50)));
    assertEquals("y", again);
  }

  @Test
  void regression_leaseRenewalSetsTheLockTtlInMilliseconds() {
    MemoLock<String> lock = track(builder(redis, "report").autoRenew(false).build());
    AtomicReference<Long> seen = new AtomicReference<>();
    lock.get(
        "r",
        Duration.ofSeconds(5),
        lease -> {
          lease.extend(Duration.ofSeconds(2));
          seen.set(redis.pttl("report/lock:r"));
          return Computed.of("done");
        });
    long pttl = seen.get();
    // The original passed nanoseconds to EXPIRE: renew(2s) set ~63 years.
    assertTrue(pttl > 1500 && pttl <= 2000, "lock PTTL after extend(2s) was " + pttl);
  }

  @Test
  void extendingALostLeaseFailsClearly() {
    MemoLock<String> lock = track(builder(redis, "report").autoRenew(false).build());
    AtomicReference<Throwable> extendFailure = new AtomicReference<>();
    AtomicReference<Boolean> heldAfter = new AtomicReference<>();
    String value =
        lock.get(
            "r",
            Duration.ofSeconds(5),
            lease -> {
              redis.set("report/lock:r", "someone-else");
              try {
                lease.extend(Duration.ofSeconds(1));
              } catch (LeaseLostException e) {
                extendFailure.set(e);
              }
              heldAfter.set(lease.held());
              return Computed.of("late");
            });
    assertTrue(extendFailure.get() instanceof LeaseLostException);
    assertFalse(heldAfter.get());
    // The result reaches this caller, but is not written over another holder's lock.
    assertEquals("late", value);
    assertNull(redis.get("report:r"));
    assertEquals("someone-else", redis.get("report/lock:r"));
  }

  @Test
  void oneRenewerKeepsEveryConcurrentComputationsLockAliveAndStopsWithEach() throws Exception {
    MemoLock<String> lock =
        track(builder(redis, "renew").lockTimeout(Duration.ofMillis(300)).build());
    try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      java.util.List<Future<String>> results = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String id = "k" + i;
        long millis = 300L * (i % 4 + 1); // one to four lock timeouts, ending at different times
        results.add(
            executor.submit(
                () ->
                    lock.get(
                        id,
                        Duration.ofSeconds(10),
                        lease -> {
                          Thread.sleep(millis);
                          assertTrue(redis.pttl("renew/lock:" + id) > 0, id + "'s lock expired");
                          assertTrue(lease.held());
                          return Computed.of("v" + id);
                        })));
      }
      for (int i = 0; i < 8; i++) {
        assertEquals("vk" + i, results.get(i).get(10, TimeUnit.SECONDS));
      }
    }
    for (int i = 0; i < 8; i++) {
      assertFalse(redis.exists("renew/lock:k" + i), "k" + i + "'s lock is released, not renewed");
    }
    Thread.sleep(400); // past the next renewal period: a renewal of a finished one would show
    for (int i = 0; i < 8; i++) {
      assertFalse(redis.exists("renew/lock:k" + i), "k" + i + "'s lock came back");
    }
  }

  @Test
  void theWatchdogKeepsTheLockAliveWhileTheComputationRuns() {
    MemoLock<String> lock =
        track(builder(redis, "report").lockTimeout(Duration.ofMillis(300)).build());
    AtomicReference<Long> pttlLate = new AtomicReference<>();
    lock.get(
        "slow",
        Duration.ofSeconds(5),
        lease -> {
          Thread.sleep(900); // three lock timeouts
          pttlLate.set(redis.pttl("report/lock:slow"));
          assertTrue(lease.held());
          return Computed.of("ok");
        });
    assertTrue(pttlLate.get() > 0, "lock expired during the computation: " + pttlLate.get());
  }

  @Test
  void getIfPresentInvalidateAndPut() {
    MemoLock<String> lock = memoLock(redis, "query");
    assertEquals(Optional.empty(), lock.getIfPresent("p"));
    lock.put("p", "produced", Duration.ofSeconds(10));
    assertEquals(Optional.of("produced"), lock.getIfPresent("p"));
    lock.invalidate("p");
    assertEquals(Optional.empty(), lock.getIfPresent("p"));
    assertNull(redis.get("query:p"));
  }

  @Test
  void aPutWakesAWaiterAtOnce() throws Exception {
    MemoLock<String> lock = memoLock(redis, "ext");
    MemoLock<String> producer = memoLock(client(), "ext");
    redis.set("ext/lock:w", "foreign-holder");
    redis.pexpire("ext/lock:w", 10_000);
    try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> waiter =
          executor.submit(
              () -> lock.get("w", Duration.ofSeconds(5), l -> Computed.of("must not run")));
      Leftovers.awaitSubscribers(redis, "ext/notif:w", 1);
      // Its re-check after subscribing done, only the notification can serve it.
      Leftovers.await(
          "w waits",
          () -> "WAITING".equals(((io.memolock.internal.Engine<?>) lock).flightState("w")));
      producer.put("w", "from producer", Duration.ofSeconds(10));
      assertEquals("from producer", waiter.get(5, TimeUnit.SECONDS));
    }
    assertEquals(1, lock.metrics().wakeUps());
    assertEquals(0, lock.metrics().computations());
  }

  @Test
  void aWaiterTimesOutWithContextAndLeavesNothingBehind() {
    MemoLock<String> lock = memoLock(redis, "query");
    redis.set("query/lock:t", "foreign-holder");
    redis.pexpire("query/lock:t", 10_000);
    MemoLockTimeoutException e =
        assertThrows(
            MemoLockTimeoutException.class,
            () -> lock.get("t", Duration.ofMillis(200), l -> Computed.of("x")));
    assertEquals("t", e.id());
    assertEquals("query", e.tag());
    assertEquals(Duration.ofMillis(200), e.timeout());
    assertEquals(1, lock.metrics().timeouts());
    assertNoLeftovers(lock, "query/notif:t");
  }

  @Test
  void getExternalRunsTheTriggerInTheWinnerOnlyAndEveryoneGetsThePublishedValue()
      throws Exception {
    MemoLock<String> a = memoLock(redis, "ext");
    MemoLock<String> b = memoLock(client(), "ext");
    AtomicInteger triggers = new AtomicInteger();
    CountDownLatch triggered = new CountDownLatch(1);
    try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> fa =
          executor.submit(
              () ->
                  a.getExternal(
                      "word",
                      Duration.ofSeconds(5),
                      lease -> {
                        triggers.incrementAndGet();
                        triggered.countDown();
                      }));
      Future<String> fb =
          executor.submit(
              () ->
                  b.getExternal(
                      "word",
                      Duration.ofSeconds(5),
                      lease -> {
                        triggers.incrementAndGet();
                        triggered.countDown();
                      }));
      assertTrue(triggered.await(5, TimeUnit.SECONDS));
      Leftovers.awaitSubscribers(redis, "ext/notif:word", 2);
      // The external producer: plain SET + PUBLISH, as the original's Python script does.
      try (var producer = client()) {
        producer.set("ext:word", "stemmed");
        producer.publish("ext/notif:word", "stemmed");
      }
      assertEquals("stemmed", fa.get(5, TimeUnit.SECONDS));
      assertEquals("stemmed", fb.get(5, TimeUnit.SECONDS));
    }
    assertEquals(1, triggers.get());
    assertFalse(redis.exists("ext/lock:word"), "the winner releases its lock once served");
  }


  void assertNoLeftovers(MemoLock<String> lock, String channel) {
    Leftovers.assertNone(lock, redis, channel);
  }
}
