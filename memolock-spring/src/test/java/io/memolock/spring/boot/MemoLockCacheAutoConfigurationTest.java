package io.memolock.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.memolock.spring.MemoLockCache;
import io.memolock.spring.MemoLockCacheManager;
import io.memolock.testkit.TestRedis;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

class MemoLockCacheAutoConfigurationTest {
  private static final TestRedis REDIS = TestRedis.shared();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  MemoLockCacheAutoConfiguration.class,
                  MemoLockCacheMetricsAutoConfiguration.class,
                  CacheAutoConfiguration.class));

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  static class WithRedisBean {
    @Bean(destroyMethod = "close")
    UnifiedJedis redis() {
      return REDIS.newClient();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  static class WithOwnCacheManager {
    @Bean
    CacheManager cacheManager() {
      return new ConcurrentMapCacheManager("reports");
    }
  }

  @Test
  void aManagerOnTheApplicationsRedisBeanWithThePropertiesApplied() {
    runner
        .withUserConfiguration(WithRedisBean.class)
        .withPropertyValues(
            "memolock.cache.tag-prefix=autoconf.",
            "memolock.cache.ttl=2m",
            "memolock.cache.wait-timeout=3s",
            "memolock.cache.cache-names=users,orders",
            "memolock.cache.caches.reports.ttl=10s",
            "memolock.cache.caches.reports.lock-timeout=1s",
            "memolock.cache.caches.reports.codec=string",
            "memolock.cache.caches.reports.allow-null-values=false",
            "memolock.cache.caches.json.codec=json",
            "memolock.cache.caches.json.value-type=java.util.Map")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(CacheManager.class);
              assertThat(context.getBean(CacheManager.class)).isInstanceOf(MemoLockCacheManager.class);
              assertThat(context).hasBean("cacheManager");
              assertThat(context).hasSingleBean(UnifiedJedis.class); // the application's, and no second one
              MemoLockCacheManager manager = context.getBean(MemoLockCacheManager.class);
              assertThat(manager.getCacheNames()).contains("users", "orders", "reports", "json");

              MemoLockCache users = manager.getCache("users");
              assertThat(users.configuration().ttl()).isEqualTo(Duration.ofMinutes(2));
              assertThat(users.configuration().waitTimeout()).isEqualTo(Duration.ofSeconds(3));
              assertThat(users.getNativeCache().tag()).isEqualTo("autoconf.users");

              MemoLockCache reports = manager.getCache("reports");
              assertThat(reports.configuration().ttl()).isEqualTo(Duration.ofSeconds(10));
              assertThat(reports.configuration().lockTimeout()).isEqualTo(Duration.ofSeconds(1));
              assertThat(reports.configuration().waitTimeout()).isEqualTo(Duration.ofSeconds(3)); // the default's
              assertThat(reports.configuration().allowNullValues()).isFalse();
              reports.put("q3", "plain text");
              UnifiedJedis redis = context.getBean(UnifiedJedis.class);
              assertThat(redis.get("autoconf.reports:q3")).isEqualTo("plain text");
              assertThat(redis.pttl("autoconf.reports:q3")).isBetween(1L, 10_000L);

              MemoLockCache json = manager.getCache("json");
              json.put("k", java.util.Map.of("a", 1));
              assertThat(redis.get("autoconf.json:k")).isEqualTo("{\"a\":1}");
              assertThat(json.get("k").get()).isEqualTo(java.util.Map.of("a", 1));
            });
  }

  @Test
  void aRedisClientFromSpringDataRedisProperties() {
    runner
        .withUserConfiguration(EnableCachingOnly.class)
        .withPropertyValues(
            "spring.data.redis.host=" + REDIS.host(),
            "spring.data.redis.port=" + REDIS.port(),
            "spring.data.redis.timeout=2s",
            "memolock.cache.tag-prefix=autoconf-props.")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(UnifiedJedis.class);
              MemoLockCacheManager manager = context.getBean(MemoLockCacheManager.class);
              MemoLockCache cache = manager.getCache("any");
              cache.put("k", "v");
              assertThat(cache.get("k").get()).isEqualTo("v");
              try (RedisClient check = REDIS.newClient()) {
                assertThat(check.exists("autoconf-props.any:k")).isTrue();
              }
            });
  }

  @Test
  void aRedisClientFromASpringDataRedisUrl() {
    runner
        .withUserConfiguration(EnableCachingOnly.class)
        .withPropertyValues("spring.data.redis.url=redis://" + REDIS.host() + ":" + REDIS.port() + "/0")
        .run(
            context -> {
              MemoLockCache cache = context.getBean(MemoLockCacheManager.class).getCache("url");
              cache.put("k", 1);
              assertThat(cache.get("k").get()).isEqualTo(1);
            });
  }

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  static class EnableCachingOnly {}

  @Test
  void theUsersOwnCacheManagerWins() {
    runner
        .withUserConfiguration(WithRedisBean.class, WithOwnCacheManager.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(CacheManager.class);
              assertThat(context.getBean(CacheManager.class)).isInstanceOf(ConcurrentMapCacheManager.class);
              assertThat(context).doesNotHaveBean(MemoLockCacheManager.class);
              assertThat(context).doesNotHaveBean(MeterBinder.class);
            });
  }

  @Test
  void disabledByProperty() {
    runner
        .withUserConfiguration(WithRedisBean.class)
        .withPropertyValues("memolock.cache.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(MemoLockCacheManager.class));
  }

  @Test
  void badSettingsFailAtStartUp() {
    runner
        .withUserConfiguration(WithRedisBean.class)
        .withPropertyValues("memolock.cache.caches.bad.value-type=com.example.Missing")
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("com.example.Missing"));
    runner
        .withUserConfiguration(WithRedisBean.class)
        .withPropertyValues("memolock.cache.cache-names=a:b")
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("letters"));
  }

  @Test
  void aMeterBinderForEveryCacheIncludingLaterOnes() {
    runner
        .withUserConfiguration(WithRedisBean.class)
        .withPropertyValues("memolock.cache.cache-names=early", "memolock.cache.tag-prefix=autoconf-metrics.")
        .run(
            context -> {
              assertThat(context).hasSingleBean(MeterBinder.class);
              SimpleMeterRegistry registry = new SimpleMeterRegistry();
              context.getBean(MeterBinder.class).bindTo(registry);
              MemoLockCacheManager manager = context.getBean(MemoLockCacheManager.class);
              MemoLockCache late = manager.getCache("late");
              late.clear();
              late.get("k", () -> "v");
              late.get("k", () -> "v");
              late.evict("k");
              assertThat(registry.get("cache.gets").tag("cache", "early").tag("result", "hit").functionCounter()).isNotNull();
              assertThat(registry.get("cache.gets").tag("cache", "late").tag("cache.manager", "cacheManager").tag("result", "hit").functionCounter().count()).isEqualTo(late.getNativeCache().metrics().hits());
              assertThat(registry.get("cache.puts").tag("cache", "late").functionCounter().count()).isEqualTo(1);
              assertThat(registry.get("cache.evictions").tag("cache", "late").functionCounter().count()).isEqualTo(1);
              assertThat(registry.get("memolock.computations").tag("cache", "late").functionCounter().count()).isEqualTo(1);
            });
  }
}
