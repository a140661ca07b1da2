package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.internal.Engine;
import io.memolock.internal.TestStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Bytes a MemoLock did not write (a foreign producer, a corrupted key, a hostile publisher) and
 * codecs that throw outside their contract: each may fail the callers of its own id, with a {@link
 * CodecException}, and nothing else: the subscriber lives on, no flight stays registered, the id
 * works again once the bytes are gone.
 */
class HostileBytesTest extends RedisFixture {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private MemoLock<String> hostile(RedisClient client, int maxConcurrentCommands) {
    var b = MemoLock.builder(client, TestStorage.of(new HostileCodec())).tag("query");
    if (maxConcurrentCommands > 0) {
      b.maxConcurrentCommands(maxConcurrentCommands);
    }
    return track(b.lockTimeout(Duration.ofSeconds(5)).build());
  }

  @ParameterizedTest
  @ValueSource(strings = {HostileCodec.STACK_OVERFLOW, HostileCodec.ILLEGAL_STATE})
  void anyThrowableFromTheFirstReadReachesTheCallerAsACodecExceptionAndLeavesTheIdUsable(
      String kind) {
    MemoLock<String> lock = hostile(redis, 0);
    redis.set("query:p", kind + " forged bytes");
    CodecException e =
        assertThrows(CodecException.class, () -> lock.get("p", TIMEOUT, l -> Computed.of("v")));
    assertTrue(e.getMessage().contains("query:p"), e.getMessage());
    Class<? extends Throwable> expected =
        kind.equals(HostileCodec.STACK_OVERFLOW)
            ? StackOverflowError.class
            : IllegalStateException.class;
    assertTrue(causedBy(e, expected), "caused by " + expected.getSimpleName() + ": " + e);
    assertEquals(0, ((Engine<?>) lock).activeFlights(), "the flight ended");
    assertThrows(CodecException.class, () -> lock.getIfPresent("p"));

    redis.del("query:p");
    assertEquals("v", lock.get("p", TIMEOUT, l -> Computed.of("v")), "the id works again");
  }

  static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aRequestEndingInACodecExceptionIsCountedAsAMiss() {
    MemoLock<String> lock = hostile(redis, 0);
    redis.set("query:bad", HostileCodec.ILLEGAL_STATE);
    redis.set("query:good", "cached");
    assertThrows(CodecException.class, () -> lock.get("bad", TIMEOUT, l -> Computed.of("v")));
    assertEquals("cached", lock.get("good", TIMEOUT, l -> Computed.of("v")));
    assertEquals("new", lock.get("cold", TIMEOUT, l -> Computed.of("new")));
    Metrics m = lock.metrics();
    assertEquals(1, m.hits(), m.toString());
    assertEquals(2, m.misses(), "the undecodable request and the cold one: " + m);
  }

  @Test
  void anErrorDecodingANotificationNeitherStopsTheSubscriberNorStrandsTheWaiter() throws Exception {
    MemoLock<String> holder = hostile(redis, 0);
    RedisClient waiterClient = client();
    MemoLock<String> waiter = hostile(waiterClient, 0);
    CountDownLatch release = new CountDownLatch(1);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> computing =
          threads.submit(
              () ->
                  holder.get(
                      "x",
                      TIMEOUT,
                      l -> {
                        release.await();
                        return Computed.of("fresh");
                      }));
      Leftovers.awaitLock(redis, "query/lock:x");
      Future<String> waiting = threads.submit(() -> waiter.get("x", TIMEOUT, l -> Computed.of("no")));
      Engine<?> waiterEngine = (Engine<?>) waiter;
      Leftovers.await("the waiter waits", () -> "WAITING".equals(waiterEngine.flightState("x")));

      // Both kinds of hostile payload: the waiter re-reads (nothing there yet) and goes on waiting.
      redis.publish("query/notif:x", HostileCodec.STACK_OVERFLOW + " nested 20,000 deep");
      redis.publish("query/notif:x", HostileCodec.ILLEGAL_STATE);
      Leftovers.await("both payloads seen", () -> waiter.metrics().undecodableNotifications() == 2);
      // Only a notification may serve it now: its re-reads and re-checks are done before the value
      // is stored (on a loaded machine they could otherwise run after, and find it).
      Leftovers.await(
          "the waiter waits again", () -> "WAITING".equals(waiterEngine.flightState("x")));

      release.countDown();
      assertEquals("fresh", computing.get(10, TimeUnit.SECONDS));
      assertEquals("fresh", waiting.get(10, TimeUnit.SECONDS));
    }
    Metrics m = waiter.metrics();
    assertEquals(1, m.wakeUps(), "woken by the holder's notification, not by a re-check: " + m);
    assertEquals(1, ((Engine<?>) waiter).subscriberConnects(), "the subscriber never died");
    Leftovers.assertNone(waiter, redis, "query/notif:x", "query/fail:x");
  }

  @Test
  void aWaiterWhoseNotificationAndStoredValueAreBothUndecodableFailsAloneWithACodecException()
      throws Exception {
    MemoLock<String> waiter = hostile(redis, 0);
    redis.set("query/lock:y", "a-foreign-holder", SetParams.setParams().px(5_000));
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> waiting = threads.submit(() -> waiter.get("y", TIMEOUT, l -> Computed.of("no")));
      Future<String> other = threads.submit(() -> waiter.get("z", TIMEOUT, l -> Computed.of("z")));
      assertEquals("z", other.get(10, TimeUnit.SECONDS));
      Leftovers.awaitSubscribers(redis, "query/notif:y", 1);
      redis.set("query:y", HostileCodec.STACK_OVERFLOW);
      redis.publish("query/notif:y", HostileCodec.STACK_OVERFLOW);
      var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
      assertInstanceOf(CodecException.class, e.getCause());
    }
    Leftovers.assertNone(waiter, redis, "query/notif:y", "query/fail:y");
    // The subscriber still wakes waiters of other ids.
    redis.set("query/lock:w", "a-foreign-holder", SetParams.setParams().px(5_000));
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> waiting = threads.submit(() -> waiter.get("w", TIMEOUT, l -> Computed.of("no")));
      Leftovers.awaitSubscribers(redis, "query/notif:w", 1);
      // Its re-check after subscribing done, only the notification can serve it.
      Leftovers.await("w waits", () -> "WAITING".equals(((Engine<?>) waiter).flightState("w")));
      redis.set("query:w", "served");
      redis.publish("query/notif:w", "served");
      assertEquals("served", waiting.get(10, TimeUnit.SECONDS));
    }
    assertEquals(1, waiter.metrics().wakeUps());
  }

  @Test
  void undecodableBytesInABatchNeitherHoldCallersPastTheirTimeoutNorPoisonTheOthers()
      throws Exception {
    MemoLock<String> lock = hostile(redis, 1); // one permit: concurrent first reads are batched
    int n = 100;
    for (int i = 0; i < n; i++) {
      redis.set("query:" + i, i == 37 ? HostileCodec.STACK_OVERFLOW : "v" + i);
    }
    List<Future<String>> results = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n; i++) {
        String id = Integer.toString(i);
        results.add(
            threads.submit(
                () -> {
                  start.await();
                  return lock.get(id, Duration.ofSeconds(2), l -> Computed.of("computed"));
                }));
      }
      start.countDown();
      for (int i = 0; i < n; i++) {
        Future<String> f = results.get(i);
        if (i == 37) {
          var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> f.get(20, TimeUnit.SECONDS));
          assertInstanceOf(CodecException.class, e.getCause(), String.valueOf(e.getCause()));
        } else {
          assertEquals("v" + i, f.get(20, TimeUnit.SECONDS), "id " + i);
        }
      }
    }
    assertEquals(0, ((Engine<?>) lock).activeFlights());
    assertEquals(n, lock.metrics().hits() + lock.metrics().misses());
  }

  @Test
  void aThrowableFromAComputationOrTriggerReachesCallersAsAMemoLockException() {
    MemoLock<String> lock = memoLock(redis, "query");
    MemoLockException e =
        assertThrows(
            MemoLockException.class,
            () ->
                lock.get(
                    "c",
                    TIMEOUT,
                    l -> {
                      throw new StackOverflowError("deep");
                    }));
    assertInstanceOf(StackOverflowError.class, e.getCause());
    MemoLockException t =
        assertThrows(
            MemoLockException.class,
            () ->
                lock.getExternal(
                    "t",
                    TIMEOUT,
                    l -> {
                      throw new AssertionError("trigger bug");
                    }));
    assertInstanceOf(AssertionError.class, t.getCause());
    assertEquals(0, ((Engine<?>) lock).activeFlights());
    assertEquals("ok", lock.get("c", TIMEOUT, l -> Computed.of("ok")));
  }
}
