package io.memolock.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.Computed;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.SetParams;

/** Refresh before expiry (XFetch): one background recomputation, everyone keeps the value. */
class RefreshTest extends LocalTierFixture {

  /** A beta so large that the first near hit of a value with a known computation time refreshes. */
  private static final double EAGER = 1e9;

  /**
   * A value as another instance would have left it (value, and its computation time beside it),
   * then read once so that it is near. Reads without a computation never refresh.
   */
  private void seed(LocalTier<String> tier, String id, String value) throws InterruptedException {
    redis.set("q:" + id, value, SetParams.setParams().px(30_000));
    redis.set("q/xfetch:" + id, "5", SetParams.setParams().px(30_000));
    awaitNear(tier, id);
  }

  @Test
  void theComputationTimeIsStoredBesideTheValueWithItsTtl() throws Exception {
    LocalTier<String> tier = tier("q");
    tier.get("k", Duration.ofSeconds(5), l -> {
      Thread.sleep(30);
      return Computed.of("v", Duration.ofSeconds(20));
    });
    long delta = Long.parseLong(redis.get("q/xfetch:k"));
    assertTrue(delta >= 30 && delta < 5_000, "delta " + delta + " ms");
    long ttl = redis.pttl("q/xfetch:k");
    assertTrue(ttl > 15_000 && ttl <= 20_000, "the delta key lives as long as the value: " + ttl);
    assertEquals("v", redis.get("q:k"), "the value itself is untouched (classic layout)");
  }

  @Test
  void withBetaZeroNothingIsRecordedNorRefreshed() throws Exception {
    LocalTier<String> tier = tier(client(), "q", LocalTier.builder().refreshBeta(0));
    tier.get("k", Duration.ofSeconds(5), l -> Computed.of("v", Duration.ofMillis(1_500)));
    assertFalse(redis.exists("q/xfetch:k"));
    awaitNear(tier, "k");
    for (int i = 0; i < 1_000; i++) {
      tier.get("k", Duration.ofSeconds(5), l -> never("refresh"));
    }
    assertEquals(0, tier.localMetrics().refreshes());
  }

  @Test
  void aNearHitCloseToExpiryRefreshesInTheBackgroundWhileCallersKeepTheCurrentValue()
      throws Exception {
    LocalTier<String> tier = tier(client(), "q", LocalTier.builder().refreshBeta(EAGER));
    seed(tier, "k", "v1");
    CountDownLatch refreshing = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    // The first near hit starts the refresh; it blocks until released.
    assertEquals("v1", tier.get("k", Duration.ofSeconds(5), l -> {
      runs.incrementAndGet();
      refreshing.countDown();
      assertTrue(finish.await(10, TimeUnit.SECONDS));
      return Computed.of("v2", Duration.ofSeconds(30));
    }));
    assertTrue(refreshing.await(5, TimeUnit.SECONDS), "a refresh started");
    assertTrue(redis.exists("q/lock:k"), "under the value's Redis lock");
    long start = System.nanoTime();
    for (int i = 0; i < 1_000; i++) {
      assertEquals("v1", tier.get("k", Duration.ofSeconds(5), l -> never("compute twice")));
    }
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "nobody waited");
    finish.countDown();
    await("the new value is served", () -> tier.getIfPresent("k").orElseThrow().equals("v2"));
    await("the refresh is counted", () -> tier.localMetrics().refreshes() == 1);
    assertEquals(1, runs.get());
    assertFalse(redis.exists("q/lock:k"), "the lock is released");
    assertEquals(1, tier.localMetrics().remote().computations());
    long delta = Long.parseLong(redis.get("q/xfetch:k"));
    assertTrue(delta >= 1, "the refresh recorded its own computation time: " + delta);
  }

  @Test
  void onlyOneProcessRefreshes() throws Exception {
    LocalTier<String> a = tier(client(), "q", LocalTier.builder().refreshBeta(EAGER));
    LocalTier<String> b = tier(client(), "q", LocalTier.builder().refreshBeta(EAGER));
    seed(a, "k", "v1");
    awaitNear(b, "k");
    CountDownLatch finish = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    io.memolock.Computation<String> slow = l -> {
      runs.incrementAndGet();
      assertTrue(finish.await(10, TimeUnit.SECONDS));
      return Computed.of("v2", Duration.ofSeconds(30));
    };
    for (int i = 0; i < 200; i++) {
      assertEquals("v1", a.get("k", Duration.ofSeconds(5), slow));
      assertEquals("v1", b.get("k", Duration.ofSeconds(5), slow));
    }
    await("one refresh runs", () -> runs.get() == 1);
    sleepMillis(100); // give a second refresh every chance to start: none may
    assertEquals(1, runs.get(), "one recomputation in the fleet");
    finish.countDown();
    await("a sees v2", () -> a.getIfPresent("k").orElseThrow().equals("v2"));
    await("b sees v2", () -> b.getIfPresent("k").orElseThrow().equals("v2"));
    await(
        "the refresh is counted once",
        () -> a.localMetrics().refreshes() + b.localMetrics().refreshes() == 1);
  }

  @Test
  void aFailedRefreshKeepsTheCurrentValueAndIsCounted() throws Exception {
    LocalTier<String> tier = tier(client(), "q", LocalTier.builder().refreshBeta(EAGER));
    seed(tier, "k", "v1");
    assertEquals("v1", tier.get("k", Duration.ofSeconds(5), l -> {
      throw new IllegalStateException("backend down");
    }));
    await("the failure is counted", () -> tier.localMetrics().refreshFailures() == 1);
    assertEquals("v1", redis.get("q:k"));
    assertFalse(redis.exists("q/lock:k"));
    assertEquals("v1", tier.get("k", Duration.ofSeconds(5), l -> never("retry on every hit")));
    assertEquals(1, tier.localMetrics().refreshFailures(), "one attempt per near copy");
  }

  @Test
  void aFillOfAValueCloseToExpiryRefreshesToo() throws Exception {
    LocalTier<String> tier = tier(client(), "q", LocalTier.builder().refreshBeta(EAGER));
    redis.set("q:k", "v1", SetParams.setParams().px(30_000));
    redis.set("q/xfetch:k", "5", SetParams.setParams().px(30_000));
    assertEquals("v1", tier.get("k", Duration.ofSeconds(5), l -> Computed.of("v2")));
    await("refreshed", () -> tier.localMetrics().refreshes() == 1);
    await("the new value is served", () -> tier.getIfPresent("k").orElseThrow().equals("v2"));
  }
}
