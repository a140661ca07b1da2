package io.memolock.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.ComputationFailedException;
import io.memolock.Computed;
import io.memolock.MemoLockClosedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.SetParams;

/** Engine.refresh: the early recomputation the local tier triggers (XFetch). */
class EngineRefreshTest extends EngineFixture {

  @Test
  void aRefreshTakesTheLockAlthoughTheValueExistsThenStoresPublishesAndReleases() throws Exception {
    Engine<String> engine = engine(redis, "r");
    redis.set("r:k", "old", SetParams.setParams().px(2_000));
    BlockingQueue<String> published = new LinkedBlockingQueue<>();
    ChannelListener listener =
        new ChannelListener() {
          @Override
          public void onMessage(String channel, byte[] payload) {
            published.add(new String(payload, java.nio.charset.StandardCharsets.UTF_8));
          }

          @Override
          public void onResync() {}
        };
    engine.subscriber().listen(List.of("r/notif:k"), listener).get(5, TimeUnit.SECONDS);

    assertTrue(
        engine.refresh(
            "k",
            Duration.ofSeconds(10),
            lease -> {
              assertEquals(lease.token(), redis.get("r/lock:k"), "runs under the lock");
              return Computed.of("new", Duration.ofSeconds(60));
            }));

    assertEquals("new", redis.get("r:k"));
    assertTrue(redis.pttl("r:k") > 10_000, "the new value has its own TTL");
    assertFalse(redis.exists("r/lock:k"), "the lock is released");
    assertEquals("new", published.poll(5, TimeUnit.SECONDS), "waiters are notified");
    assertEquals(1, engine.metrics().computations());
    engine.subscriber().unlisten(List.of("r/notif:k"), listener);
  }

  @Test
  void aValueThatLivesLongerThanExpiresWithinOrHasNoTtlIsLeftAlone() {
    Engine<String> engine = engine(redis, "r");
    AtomicInteger runs = new AtomicInteger();
    redis.set("r:long", "v", SetParams.setParams().px(60_000));
    redis.set("r:forever", "v");
    assertFalse(engine.refresh("long", Duration.ofSeconds(1), l -> count(runs)));
    assertFalse(engine.refresh("forever", Duration.ofDays(1), l -> count(runs)));
    assertEquals(0, runs.get());
    assertFalse(redis.exists("r/lock:long"));
    assertFalse(redis.exists("r/lock:forever"));
  }

  @Test
  void aRefreshDoesNothingWhileAnotherHolderHasTheLock() {
    Engine<String> engine = engine(redis, "r");
    AtomicInteger runs = new AtomicInteger();
    redis.set("r:k", "v", SetParams.setParams().px(1_000));
    redis.set("r/lock:k", "someone", SetParams.setParams().px(30_000));
    assertFalse(engine.refresh("k", Duration.ofSeconds(5), l -> count(runs)));
    assertEquals(0, runs.get());
    assertEquals("someone", redis.get("r/lock:k"));
  }

  @Test
  void aFailedRefreshReleasesTheLockAndKeepsTheCurrentValue() {
    Engine<String> engine = engine(redis, "r");
    redis.set("r:k", "current", SetParams.setParams().px(5_000));
    ComputationFailedException e =
        assertThrows(
            ComputationFailedException.class,
            () ->
                engine.refresh(
                    "k",
                    Duration.ofSeconds(10),
                    l -> {
                      throw new IllegalStateException("backend down");
                    }));
    assertEquals(IllegalStateException.class.getName(), e.failureClass());
    assertFalse(redis.exists("r/lock:k"));
    assertEquals("current", redis.get("r:k"));
  }

  @Test
  void callersKeepGettingTheCurrentValueWhileARefreshComputes() throws Exception {
    Engine<String> refresher = engine(redis, "r");
    Engine<String> reader = engine(client(), "r");
    redis.set("r:k", "current", SetParams.setParams().px(10_000));
    CountDownLatch computing = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Boolean> refresh =
          executor.submit(
              () ->
                  refresher.refresh(
                      "k",
                      Duration.ofSeconds(30),
                      l -> {
                        computing.countDown();
                        finish.await();
                        return Computed.of("next");
                      }));
      assertTrue(computing.await(5, TimeUnit.SECONDS));
      assertEquals(
          "current",
          reader.get(
              "k",
              Duration.ofMillis(500),
              l -> {
                throw new AssertionError("must not compute");
              }));
      assertEquals(1, reader.metrics().hits());
      finish.countDown();
      assertTrue(refresh.get(5, TimeUnit.SECONDS));
    }
    assertEquals("next", redis.get("r:k"));
  }

  @Test
  void closeInterruptsARunningRefreshAndReleasesItsLock() throws Exception {
    Engine<String> engine = engine(redis, "r");
    redis.set("r:k", "current", SetParams.setParams().px(10_000));
    CountDownLatch computing = new CountDownLatch(1);
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Boolean> refresh =
          executor.submit(
              () ->
                  engine.refresh(
                      "k",
                      Duration.ofSeconds(30),
                      l -> {
                        computing.countDown();
                        Thread.sleep(60_000);
                        return Computed.of("never");
                      }));
      assertTrue(computing.await(5, TimeUnit.SECONDS));
      engine.close();
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> refresh.get(5, TimeUnit.SECONDS));
      assertInstanceOf(MemoLockClosedException.class, e.getCause());
    }
    await("the lock is released", () -> !redis.exists("r/lock:k"));
    assertEquals("current", redis.get("r:k"));
  }

  private static Computed<String> count(AtomicInteger runs) {
    runs.incrementAndGet();
    return Computed.of("x");
  }
}
