package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.internal.Engine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.SetParams;

/**
 * A flight that waits for another holder's value holds no thread of its own (it parks; the next
 * message, resync, lock expiry, caller leaving or close starts a thread again), and a parked flight
 * still hears every way its wait can end.
 */
class ParkedWaiterTest extends RedisFixture {
  private final List<Thread> started = new CopyOnWriteArrayList<>();
  private final ThreadFactory tracking =
      r -> {
        Thread t = Thread.ofVirtual().unstarted(r);
        started.add(t);
        return t;
      };

  private MemoLock<String> parkingLock(String tag, Duration lockTimeout) {
    return track(builder(client(), tag).threadFactory(tracking).lockTimeout(lockTimeout).build());
  }

  private void awaitNoThreadOfTheMemoLockAlive() {
    Leftovers.await(
        "every thread the MemoLock started has ended", () -> started.stream().noneMatch(Thread::isAlive));
  }

  @Test
  void aWaitingFlightHoldsNoThreadAndIsWokenByAForeignPublish() throws Exception {
    MemoLock<String> lock = parkingLock("parked", Duration.ofSeconds(5));
    redis.set("parked/lock:a", "foreign", SetParams.setParams().px(30_000));
    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> waiting =
          callers.submit(() -> lock.get("a", Duration.ofSeconds(30), l -> Computed.of("computed")));
      Leftovers.awaitSubscribers(redis, "parked/notif:a", 1);
      awaitNoThreadOfTheMemoLockAlive();
      assertFalse(waiting.isDone());
      assertEquals(1, ((Engine<?>) lock).armedWakeups(), "the parked flight's timer");
      redis.set("parked:a", "from a peer");
      redis.publish("parked/notif:a", "from a peer");
      assertEquals("from a peer", waiting.get(10, TimeUnit.SECONDS));
    }
    Leftovers.assertNone(lock, redis, "parked/notif:a", "parked/fail:a");
    assertEquals(0, ((Engine<?>) lock).armedWakeups(), "the timer is disarmed by the wake-up");
  }

  @Test
  void aParkedFlightTakesOverWhenTheForeignLockExpires() throws Exception {
    MemoLock<String> lock = parkingLock("expiring", Duration.ofSeconds(5));
    redis.set("expiring/lock:b", "crashed holder", SetParams.setParams().px(600));
    AtomicInteger computed = new AtomicInteger();
    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> waiting =
          callers.submit(
              () ->
                  lock.get(
                      "b",
                      Duration.ofSeconds(30),
                      l -> {
                        computed.incrementAndGet();
                        return Computed.of("taken over");
                      }));
      Leftovers.awaitSubscribers(redis, "expiring/notif:b", 1);
      assertEquals("taken over", waiting.get(10, TimeUnit.SECONDS));
    }
    assertEquals(1, computed.get());
    assertEquals(1, lock.metrics().takeovers());
  }

  @Test
  void aParkedFlightHearsAFailureAnnouncedOnTheFailureChannel() throws Exception {
    MemoLock<String> lock = parkingLock("failing", Duration.ofSeconds(5));
    redis.set("failing/lock:c", "foreign", SetParams.setParams().px(30_000));
    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> waiting =
          callers.submit(() -> lock.get("c", Duration.ofSeconds(30), l -> Computed.of("computed")));
      Leftovers.awaitSubscribers(redis, "failing/fail:c", 1);
      awaitNoThreadOfTheMemoLockAlive();
      redis.publish("failing/fail:c", "java.lang.IllegalStateException\nboom");
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof ComputationFailedException, e.toString());
    }
  }

  @Test
  void aParkedCallerTimesOutAtItsOwnTimeoutAndLeavesNothingBehind() throws Exception {
    MemoLock<String> lock = parkingLock("leaving", Duration.ofSeconds(5));
    redis.set("leaving/lock:d", "foreign", SetParams.setParams().px(30_000));
    assertThrows(
        MemoLockTimeoutException.class,
        () -> lock.get("d", Duration.ofMillis(500), l -> Computed.of("computed")));
    Leftovers.assertNone(lock, redis, "leaving/notif:d", "leaving/fail:d");
    awaitNoThreadOfTheMemoLockAlive();
    assertEquals(0, ((Engine<?>) lock).armedWakeups());
  }

  @Test
  void closeFailsAParkedWaiterAtOnce() throws Exception {
    MemoLock<String> lock = parkingLock("closing", Duration.ofSeconds(5));
    redis.set("closing/lock:e", "foreign", SetParams.setParams().px(30_000));
    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> waiting =
          callers.submit(() -> lock.get("e", Duration.ofSeconds(30), l -> Computed.of("computed")));
      Leftovers.awaitSubscribers(redis, "closing/notif:e", 1);
      awaitNoThreadOfTheMemoLockAlive();
      lock.close();
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof MemoLockClosedException, e.toString());
    }
    awaitNoThreadOfTheMemoLockAlive();
  }
}
