package io.memolock.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.Metrics;
import io.memolock.local.LocalTier;
import io.memolock.redis.strings.StringStorage;
import io.memolock.testkit.TestRedis;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

class MemoLockMetricsTest {
  private static final TestRedis REDIS = TestRedis.shared();

  private static double count(MeterRegistry registry, String name, String cache, String... tags) {
    return registry.get(name).tag("cache", cache).tags(tags).functionCounter().count();
  }

  private static double gaugeMicros(MeterRegistry registry, String name, String cache, String... tags) {
    return registry.get(name).tag("cache", cache).tags(tags).timeGauge().value(TimeUnit.MICROSECONDS);
  }

  @Test
  void afterAStampedeTheRegistryReadsWhatMetricsReads() throws Exception {
    String tag = "micrometer-stampede-" + System.nanoTime();
    AtomicInteger computations = new AtomicInteger();
    List<RedisClient> clients = new ArrayList<>();
    List<MemoLock<String>> instances = new ArrayList<>();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 4; i++) {
        RedisClient client = REDIS.newClient();
        clients.add(client);
        MemoLock<String> m = MemoLock.builder(client, StringStorage.utf8()).tag(tag).build();
        instances.add(m);
        MemoLockMetrics.of(m, "reports-" + i, Tags.of("instance", String.valueOf(i))).bindTo(registry);
      }
      CountDownLatch start = new CountDownLatch(1);
      List<Future<String>> calls = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        MemoLock<String> m = instances.get(i % 4);
        calls.add(
            threads.submit(
                () -> {
                  start.await();
                  return m.get(
                      "hot",
                      Duration.ofSeconds(10),
                      lease -> {
                        computations.incrementAndGet();
                        Thread.sleep(200);
                        return Computed.of("value");
                      });
                }));
      }
      start.countDown();
      for (Future<String> f : calls) {
        assertEquals("value", f.get(20, TimeUnit.SECONDS));
      }
      instances.get(0).get("hot", Duration.ofSeconds(1), lease -> Computed.of("never")); // one hit
    }
    assertEquals(1, computations.get());

    long computed = 0;
    for (int i = 0; i < 4; i++) {
      Metrics m = instances.get(i).metrics();
      String cache = "reports-" + i;
      assertEquals(m.hits(), count(registry, "cache.gets", cache, "result", "hit"));
      assertEquals(m.misses(), count(registry, "cache.gets", cache, "result", "miss"));
      assertEquals(m.computations(), count(registry, "cache.puts", cache));
      assertEquals(m.computations(), count(registry, "memolock.computations", cache));
      assertEquals(m.waits(), count(registry, "memolock.waits", cache));
      assertEquals(m.wakeUps(), count(registry, "memolock.wakeups", cache));
      assertEquals(m.timeouts(), count(registry, "memolock.timeouts", cache));
      assertEquals(m.failures(), count(registry, "memolock.failures", cache));
      assertEquals(m.takeovers(), count(registry, "memolock.takeovers", cache));
      assertEquals(m.coalesced(), count(registry, "memolock.coalesced", cache));
      io.micrometer.core.instrument.FunctionTimer wait =
          registry.get("memolock.wait").tag("cache", cache).functionTimer();
      assertEquals(m.waitTime().count(), (long) wait.count());
      assertEquals(m.waitTime().sumMicros(), wait.totalTime(TimeUnit.MICROSECONDS), 0.001);
      assertEquals(m.storeFailures(), count(registry, "memolock.store.failures", cache));
      assertEquals(m.waitTime().p50Micros(), gaugeMicros(registry, "memolock.wait.percentile", cache, "phi", "0.5"), 0.001);
      assertEquals(m.waitTime().p99Micros(), gaugeMicros(registry, "memolock.wait.percentile", cache, "phi", "0.99"), 0.001);
      assertEquals(m.waitTime().maxMicros(), gaugeMicros(registry, "memolock.wait.max", cache), 0.001);
      assertNull(registry.find("cache.evictions").tag("cache", cache).functionCounter());
      assertEquals("" + i, registry.get("cache.gets").tag("cache", cache).functionCounter().getId().getTag("instance"));
      computed += m.computations();
      System.out.println(cache + ": " + m);
    }
    assertEquals(1, computed);
    assertTrue(instances.stream().mapToLong(m -> m.metrics().waits()).sum() > 0, "nobody waited");
    assertTrue(instances.stream().mapToLong(m -> m.metrics().coalesced()).sum() > 0, "nobody coalesced");
    assertTrue(instances.get(0).metrics().hits() >= 1);
    instances.forEach(MemoLock::close);
    clients.forEach(RedisClient::close);
  }

  @Test
  void aLocalTierAddsItsNearHitsAndItsOwnMeters() {
    String tag = "micrometer-local-" + System.nanoTime();
    try (RedisClient client = REDIS.newClient();
        LocalTier<String> tier =
            LocalTier.builder().wrap(MemoLock.builder(client, StringStorage.utf8()).tag(tag).build())) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      MemoLockMetrics.of(tier, "near", Tags.empty(), () -> 7, () -> 3).bindTo(registry);
      for (int i = 0; i < 20; i++) {
        tier.get("k", Duration.ofSeconds(5), lease -> Computed.of("v"));
      }
      var local = tier.localMetrics();
      assertEquals(local.hits() + local.remote().hits(), count(registry, "cache.gets", "near", "result", "hit"));
      assertEquals(local.remote().misses(), count(registry, "cache.gets", "near", "result", "miss"));
      assertEquals(local.hits(), count(registry, "memolock.local.hits", "near"));
      assertEquals(7, count(registry, "cache.puts", "near"));
      assertEquals(3, count(registry, "cache.evictions", "near"));
      assertEquals(local.estimatedSize(), registry.get("cache.size").tag("cache", "near").gauge().value());
    }
  }
}
