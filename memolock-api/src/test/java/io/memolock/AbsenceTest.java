package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * A computation may report "no such resource" ({@link Computed#absent}); the absence is cached with
 * its own TTL and announced to waiters, and stays invisible to classic (Go/C#) peers.
 */
class AbsenceTest extends RedisFixture {

  @Test
  void anAbsenceIsCachedWithItsOwnTtlAndFoundAsEmpty() {
    MemoLock<String> lock = memoLock(redis, "user");
    AtomicInteger runs = new AtomicInteger();
    Optional<String> first =
        lock.find(
            "ghost",
            Duration.ofSeconds(5),
            l -> {
              runs.incrementAndGet();
              return Computed.absent(Duration.ofMillis(1500));
            });
    assertEquals(Optional.empty(), first);
    assertEquals(
        Optional.empty(),
        lock.find("ghost", Duration.ofSeconds(5), l -> Computed.of("must not run " + runs.incrementAndGet())));
    assertEquals(1, runs.get());
    assertEquals(1, lock.metrics().hits(), "a cached absence is a hit");
    AbsentValueException e =
        assertThrows(
            AbsentValueException.class,
            () -> lock.get("ghost", Duration.ofSeconds(5), l -> Computed.of("x")));
    assertEquals("ghost", e.id());
    assertEquals(Optional.empty(), lock.getIfPresent("ghost"));
    long pttl = redis.pttl("user/fail:ghost");
    assertTrue(pttl > 1000 && pttl <= 1500, "absence PTTL " + pttl);
    assertFalse(redis.exists("user/lock:ghost"), "the lock is released");
    assertEquals(Set.of("user/fail:ghost"), redis.keys("*"));
  }

  @Test
  void anAbsenceWithoutTtlUsesTheDefaultTtl() {
    MemoLock<String> lock =
        track(builder(redis, "user").defaultTtl(Duration.ofSeconds(42)).build());
    assertEquals(Optional.empty(), lock.find("g", Duration.ofSeconds(5), l -> Computed.absent()));
    long pttl = redis.pttl("user/fail:g");
    assertTrue(pttl > 41_000 && pttl <= 42_000, "absence PTTL " + pttl);
  }

  @Test
  void anAbsenceExpiresInvalidatesAndIsReplacedByAPut() throws Exception {
    MemoLock<String> lock = memoLock(redis, "user");
    lock.find("g", Duration.ofSeconds(5), l -> Computed.absent(Duration.ofMillis(60)));
    Thread.sleep(120);
    assertEquals("back", lock.get("g", Duration.ofSeconds(5), l -> Computed.of("back")));

    lock.invalidate("g");
    lock.find("g", Duration.ofSeconds(5), l -> Computed.absent(Duration.ofSeconds(60)));
    lock.invalidate("g");
    assertEquals("recomputed", lock.get("g", Duration.ofSeconds(5), l -> Computed.of("recomputed")));

    lock.invalidate("g");
    lock.find("g", Duration.ofSeconds(5), l -> Computed.absent(Duration.ofSeconds(60)));
    lock.put("g", "produced", Duration.ofSeconds(10));
    assertEquals(Optional.of("produced"), lock.getIfPresent("g"));
    assertFalse(redis.exists("user/fail:g"), "a put replaces the absence");
  }

  @Test
  void waitersInOtherProcessesAreWokenByTheAbsenceAtOnce() throws Exception {
    MemoLock<String> winner = memoLock(redis, "user");
    MemoLock<String> other =
        track(builder(client(), "user").failurePolicy(FailurePolicy.RETRY).build());
    CountDownLatch computing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Optional<String>> a =
          executor.submit(
              () ->
                  winner.find(
                      "w",
                      Duration.ofSeconds(10),
                      l -> {
                        computing.countDown();
                        release.await();
                        return Computed.absent(Duration.ofSeconds(30));
                      }));
      assertTrue(computing.await(5, TimeUnit.SECONDS));
      Future<Optional<String>> b =
          executor.submit(
              () -> other.find("w", Duration.ofSeconds(10), l -> Computed.of("must not run")));
      Future<String> c =
          executor.submit(
              () -> other.get("w", Duration.ofSeconds(10), l -> Computed.of("must not run")));
      Leftovers.awaitSubscribers(redis, "user/fail:w", 1);
      long released = System.nanoTime();
      release.countDown();
      assertEquals(Optional.empty(), a.get(5, TimeUnit.SECONDS));
      assertEquals(Optional.empty(), b.get(5, TimeUnit.SECONDS));
      var failure = assertThrows(java.util.concurrent.ExecutionException.class, () -> c.get(5, TimeUnit.SECONDS));
      assertTrue(failure.getCause() instanceof AbsentValueException, String.valueOf(failure.getCause()));
      assertTrue(
          System.nanoTime() - released < TimeUnit.SECONDS.toNanos(2),
          "woken by the announcement, not by a timeout");
    }
    assertEquals(0, other.metrics().computations());
    assertEquals(0, other.metrics().failures(), "an absence is not a failure");
    Leftovers.assertNone(other, redis, "user/notif:w", "user/fail:w");
  }

  @Test
  void classicPeersNeverSeeAnAbsenceAsAValue() throws Exception {
    MemoLock<String> lock = memoLock(redis, "likes");
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    CountDownLatch subscribed = new CountDownLatch(1);
    JedisPubSub classicWaiter =
        new JedisPubSub() {
          @Override
          public void onPMessage(String pattern, String channel, String message) {
            received.add(channel + "=" + message);
          }

          @Override
          public void onPSubscribe(String pattern, int count) {
            subscribed.countDown();
          }
        };
    RedisClient foreign = client();
    Thread listener =
        Thread.ofVirtual().start(() -> foreign.psubscribe(classicWaiter, "likes/notif:*"));
    try {
      assertTrue(subscribed.await(5, TimeUnit.SECONDS));
      lock.find("nobody", Duration.ofSeconds(5), l -> Computed.absent(Duration.ofSeconds(30)));
      // A classic peer's GET sees a miss: it computes for itself, it never reads a fake value.
      assertEquals(null, redis.get("likes:nobody"));
      assertFalse(redis.exists("likes/lock:nobody"));
      lock.get("somebody", Duration.ofSeconds(5), l -> Computed.of("ok"));
      assertEquals("likes/notif:somebody=ok", received.poll(5, TimeUnit.SECONDS));
    } finally {
      classicWaiter.punsubscribe();
      listener.join(5_000);
    }
  }

  @Test
  void aForeignProducerCanStoreAnAbsenceByTheDocumentedLayout() {
    MemoLock<String> lock = memoLock(redis, "user");
    redis.set("user/fail:x".getBytes(), "\0absent".getBytes(), SetParams.setParams().px(10_000));
    assertEquals(
        Optional.empty(), lock.find("x", Duration.ofSeconds(5), l -> Computed.of("must not run")));
    assertEquals(0, lock.metrics().computations());
  }
}
