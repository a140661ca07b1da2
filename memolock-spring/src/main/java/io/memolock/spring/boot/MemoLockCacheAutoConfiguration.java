package io.memolock.spring.boot;

import io.memolock.spring.MemoLockCacheManager;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import redis.clients.jedis.UnifiedJedis;

/**
 * Configures a {@link MemoLockCacheManager} named {@code cacheManager} from {@code
 * memolock.cache.*}, on the application's {@link UnifiedJedis} bean or, when there is none, on a
 * {@code RedisClient} built from {@code spring.data.redis.*} ({@link RedisClients}). Backs off when
 * the application defines its own {@link CacheManager}, and when {@code
 * memolock.cache.enabled=false}. Runs before Boot's own cache auto-configuration, which then backs
 * off too. Thread-safe as Spring uses it (at start-up).
 */
@AutoConfiguration(beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnClass({MemoLockCacheManager.class, UnifiedJedis.class, CacheManager.class})
@ConditionalOnProperty(prefix = "memolock.cache", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(MemoLockCacheProperties.class)
public class MemoLockCacheAutoConfiguration {

  /** Created by Spring. */
  public MemoLockCacheAutoConfiguration() {}

  /**
   * @param redis the application's client, if any
   * @param environment for {@code spring.data.redis.*}
   * @return the client the caches use
   */
  @Bean
  UnifiedJedisHolder memoLockRedis(ObjectProvider<UnifiedJedis> redis, Environment environment) {
    UnifiedJedis own = redis.getIfUnique();
    return own != null ? new UnifiedJedisHolder(own, false) : new UnifiedJedisHolder(RedisClients.fromProperties(environment), true);
  }

  /**
   * @param redis the client
   * @param properties {@code memolock.cache.*}
   * @param environment the environment (its class loader loads value types)
   * @return the manager
   */
  @Bean
  @ConditionalOnMissingBean(CacheManager.class)
  MemoLockCacheManager cacheManager(UnifiedJedisHolder redis, MemoLockCacheProperties properties, Environment environment) {
    ClassLoader loader = MemoLockCacheAutoConfiguration.class.getClassLoader();
    var defaults = properties.defaults(loader);
    var builder = MemoLockCacheManager.builder(redis.client()).defaults(defaults);
    properties.getCacheNames().forEach(builder::withCache);
    properties.getCaches().forEach((name, settings) -> builder.withCache(name, settings.applyTo(defaults, loader)));
    if (!properties.isDynamic()) {
      builder.disableDynamicCaches();
    }
    return builder.build();
  }
}
