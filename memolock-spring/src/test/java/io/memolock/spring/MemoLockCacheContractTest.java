package io.memolock.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memolock.MemoLockTimeoutException;
import io.memolock.testkit.TestRedis;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.cache.Cache;
import org.springframework.cache.interceptor.SimpleKey;
import redis.clients.jedis.RedisClient;

/** The Cache contract, as Spring's own cache tests check it, against a real Redis. */
class MemoLockCacheContractTest {
  private static final TestRedis REDIS = TestRedis.shared();
  private static RedisClient client;
  private static MemoLockCacheManager manager;

  record Report(String name, int pages) implements Serializable {}

  @BeforeAll
  static void start() {
    client = REDIS.newClient();
    manager =
        MemoLockCacheManager.builder(client)
            .defaults(MemoLockCacheConfiguration.defaults().withTagPrefix("contract.").withWaitTimeout(Duration.ofSeconds(5)))
            .withCache("strict", MemoLockCacheConfiguration.defaults().withTagPrefix("contract.").withAllowNullValues(false))
            .build();
  }

  @AfterAll
  static void stop() {
    manager.close();
    client.close();
  }

  private static MemoLockCache cache(String name) {
    MemoLockCache cache = manager.getCache(name);
    assertThat(cache).isNotNull();
    cache.clear();
    return cache;
  }

  @Test
  void putGetEvict() {
    Cache cache = cache("basic");
    assertThat(cache.getName()).isEqualTo("basic");
    assertThat(cache.get("k")).isNull();
    cache.put("k", new Report("q3", 12));
    assertThat(cache.get("k").get()).isEqualTo(new Report("q3", 12));
    assertThat(cache.get("k", Report.class)).isEqualTo(new Report("q3", 12));
    assertThatThrownBy(() -> cache.get("k", String.class)).isInstanceOf(IllegalStateException.class);
    assertThat(cache.evictIfPresent("k")).isTrue();
    assertThat(cache.evictIfPresent("k")).isFalse();
    assertThat(cache.get("k")).isNull();
    cache.put("k", "v");
    cache.evict("k");
    assertThat(cache.get("k")).isNull();
  }

  @Test
  void valuesLiveInRedisUnderTheTagAndTheTtl() {
    MemoLockCache cache = cache("layout");
    cache.put("q3", "v");
    byte[] key = "contract.layout:q3".getBytes(StandardCharsets.UTF_8);
    assertThat(client.exists(key)).isTrue();
    long pttl = client.pttl(key);
    assertThat(pttl).isBetween(Duration.ofMinutes(4).toMillis(), Duration.ofMinutes(5).toMillis());
  }

  @Test
  void clearDeletesOnlyThisCacheInBatches() {
    MemoLockCache cache = cache("clear");
    MemoLockCache other = cache("clear-other");
    for (int i = 0; i < 1_234; i++) {
      cache.put(i, "v" + i);
    }
    cache.put("nothing", null);
    other.put(1, "kept");
    client.set("contract.clear-x:1", "not ours");
    cache.clear();
    assertThat(cache.get(1)).isNull();
    assertThat(cache.get("nothing")).isNull();
    assertThat(other.get(1).get()).isEqualTo("kept");
    assertThat(client.get("contract.clear-x:1")).isEqualTo("not ours");
    assertThat(cache.evictions()).isEqualTo(1_235);
    assertThat(cache.invalidate()).isFalse();
    cache.put(1, "again");
    assertThat(cache.invalidate()).isTrue();
  }

  @Test
  void nullsAreCachedAbsencesWhenAllowed() {
    Cache cache = cache("nulls");
    cache.put("none", null);
    Cache.ValueWrapper w = cache.get("none");
    assertThat(w).isNotNull();
    assertThat(w.get()).isNull();
    assertThat(client.get("contract.nulls/fail:none")).isEqualTo("\0absent");
    AtomicInteger calls = new AtomicInteger();
    assertThat(cache.<String>get("none", () -> "computed " + calls.incrementAndGet())).isNull();
    assertThat(cache.<String>get("missing", () -> null)).isNull();
    assertThat(cache.get("missing")).isNotNull();
    assertThat(cache.<String>get("missing", () -> "computed " + calls.incrementAndGet())).isNull();
    assertThat(calls).hasValue(0);
    assertThat(cache.evictIfPresent("missing")).isTrue();
    assertThat(cache.get("missing")).isNull();
  }

  @Test
  void nullsAreRejectedWhenNotAllowed() {
    Cache cache = cache("strict");
    assertThatThrownBy(() -> cache.put("k", null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
    assertThatThrownBy(() -> cache.get("k", () -> null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
    assertThatThrownBy(() -> cache.putIfAbsent("k", null)).isInstanceOf(IllegalArgumentException.class);
    assertThat(cache.get("k")).isNull();
    assertThat(cache.get("k", () -> "v")).isEqualTo("v");
  }

  @Test
  void putIfAbsentKeepsTheFirstValue() {
    Cache cache = cache("pia");
    assertThat(cache.putIfAbsent("k", "first")).isNull();
    assertThat(cache.putIfAbsent("k", "second").get()).isEqualTo("first");
    assertThat(cache.get("k").get()).isEqualTo("first");
    assertThat(cache.putIfAbsent("n", null)).isNull();
    assertThat(cache.putIfAbsent("n", "late")).isNotNull().extracting(Cache.ValueWrapper::get).isNull();
  }

  @Test
  void putIfAbsentIsAtomicAcrossConcurrentWriters() throws Exception {
    Cache cache = cache("pia-race");
    int writers = 16;
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger won = new AtomicInteger();
    var threads = new java.util.ArrayList<Thread>();
    try (RedisClient otherClient = REDIS.newClient();
        MemoLockCacheManager otherManager =
            MemoLockCacheManager.builder(otherClient)
                .defaults(MemoLockCacheConfiguration.defaults().withTagPrefix("contract."))
                .build()) {
      Cache otherCache = otherManager.getCache("pia-race");
      for (int i = 0; i < writers; i++) {
        Cache target = i % 2 == 0 ? cache : otherCache;
        String value = "w" + i;
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      try {
                        go.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                      }
                      if (target.putIfAbsent("k", value) == null) {
                        won.incrementAndGet();
                      }
                    }));
      }
      go.countDown();
      for (Thread t : threads) {
        t.join(10_000);
      }
    }
    assertThat(won).hasValue(1);
  }

  @Test
  void aThrowingLoaderIsAValueRetrievalExceptionWithTheCause() {
    Cache cache = cache("failing");
    IllegalStateException boom = new IllegalStateException("backend down");
    assertThatThrownBy(() -> cache.get("k", () -> {
          throw boom;
        }))
        .isInstanceOf(Cache.ValueRetrievalException.class)
        .hasCause(boom);
    assertThat(cache.get("k")).isNull(); // nothing cached, lock released
    assertThat(cache.get("k", () -> "ok")).isEqualTo("ok");
  }

  @Test
  void theLoaderRunsOncePerKeyAmongConcurrentCallers() throws Exception {
    Cache cache = cache("once");
    AtomicInteger calls = new AtomicInteger();
    var futures = new java.util.ArrayList<CompletableFuture<String>>();
    for (int i = 0; i < 50; i++) {
      futures.add(CompletableFuture.supplyAsync(() -> cache.get("k", () -> {
        calls.incrementAndGet();
        Thread.sleep(100);
        return "v";
      }), r -> Thread.ofVirtual().start(r)));
    }
    for (var f : futures) {
      assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("v");
    }
    assertThat(calls).hasValue(1);
  }

  @Test
  void aWaitLongerThanTheWaitTimeoutIsAClearTimeout() throws Exception {
    MemoLockCache cache =
        MemoLockCacheManager.builder(client)
            .defaults(MemoLockCacheConfiguration.defaults().withTagPrefix("contract.").withWaitTimeout(Duration.ofMillis(200)))
            .build()
            .getCache("slow");
    cache.clear();
    CountDownLatch computing = new CountDownLatch(1);
    Thread holder = Thread.ofVirtual().start(() -> cache.get("k", () -> {
      computing.countDown();
      Thread.sleep(1_000);
      return "late";
    }));
    computing.await();
    try (RedisClient other = REDIS.newClient();
        MemoLockCacheManager otherManager =
            MemoLockCacheManager.builder(other)
                .defaults(MemoLockCacheConfiguration.defaults().withTagPrefix("contract.").withWaitTimeout(Duration.ofMillis(200)))
                .build()) {
      assertThatThrownBy(() -> otherManager.getCache("slow").get("k", () -> "mine"))
          .isInstanceOf(MemoLockTimeoutException.class)
          .hasMessageContaining("contract.slow:k")
          .hasMessageContaining("200 ms");
    }
    holder.join(5_000);
    cache.getNativeCache().close();
  }

  @Test
  void retrieveRunsAsynchronously() throws Exception {
    Cache cache = cache("async");
    assertThat(cache.retrieve("k").get(5, TimeUnit.SECONDS)).isNull();
    assertThat(cache.retrieve("k", () -> CompletableFuture.completedFuture("v")).get(5, TimeUnit.SECONDS)).isEqualTo("v");
    assertThat(((Cache.ValueWrapper) cache.retrieve("k").get(5, TimeUnit.SECONDS)).get()).isEqualTo("v");
    IllegalStateException boom = new IllegalStateException("async boom");
    CompletableFuture<String> failed = cache.retrieve("f", () -> CompletableFuture.failedFuture(boom));
    assertThatThrownBy(() -> failed.join()).isInstanceOf(CompletionException.class).hasCause(boom);
    Cache strict = cache("strict");
    strict.put("s", "plain");
    assertThat(strict.retrieve("s").get(5, TimeUnit.SECONDS)).isEqualTo("plain");
  }

  @Test
  void keysOfEveryKindBecomeWellFormedIds() {
    MemoLockCache cache = cache("keys");
    cache.put(new SimpleKey("a", 1), "two params");
    cache.put("", "empty");
    cache.put("\ud800", "unpaired surrogate");
    cache.put("[a,1]", "a string that looks like a SimpleKey");
    assertThat(cache.get(new SimpleKey("a", 1)).get()).isEqualTo("two params");
    assertThat(cache.get("").get()).isEqualTo("empty");
    assertThat(cache.get("\ud800").get()).isEqualTo("unpaired surrogate");
    assertThat(cache.get("[a,1]").get()).isEqualTo("a string that looks like a SimpleKey");
    assertThat(client.exists("contract.keys:[a,1]")).isTrue();
    assertThat(client.exists("contract.keys:\\\\[a,1]".replace("\\\\", "\\"))).isTrue();
    assertThat(client.exists("contract.keys:\\ud800")).isTrue();
    assertThatThrownBy(() -> cache.put(new Object(), "v")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CacheKeyConverter");
  }

  @Test
  void badCacheNamesAreRejected() {
    assertThatThrownBy(() -> manager.getCache("a:b")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("letters");
    assertThatThrownBy(() -> manager.getCache("*")).isInstanceOf(IllegalArgumentException.class);
  }
}
