package io.memolock.spring;

import io.memolock.MemoLock;
import io.memolock.local.LocalTier;
import io.memolock.spi.Storage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * A Spring {@link CacheManager} of {@link MemoLockCache}s on one Redis client. Each cache is one
 * MemoLock whose tag is the cache's name (after an optional prefix); its settings are the manager's
 * defaults unless {@link Builder#withCache} gave it its own. Unknown names make new caches with the
 * defaults unless {@link Builder#disableDynamicCaches()}.
 *
 * <p>Closing the manager closes every cache's MemoLock (waiters fail with {@code
 * MemoLockClosedException}), not the Redis client. Spring closes it with its context.
 *
 * <p>Thread-safe: caches are created under a {@link ReentrantLock} (never a monitor, and no
 * Redis call is made while it is held), then read without locking.
 */
public final class MemoLockCacheManager implements CacheManager, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(MemoLockCacheManager.class.getName());

  private final UnifiedJedis redis;
  private final MemoLockCacheConfiguration defaults;
  private final Map<String, MemoLockCacheConfiguration> configs;
  private final boolean dynamic;
  private final Map<String, MemoLockCache> caches = new ConcurrentHashMap<>();
  private final ReentrantLock creating = new ReentrantLock();
  private final List<Consumer<MemoLockCache>> listeners = new CopyOnWriteArrayList<>();
  private final Executor executor = task -> Thread.ofVirtual().name("memolock-spring").start(task);

  private MemoLockCacheManager(Builder b) {
    this.redis = b.redis;
    this.defaults = b.defaults;
    this.configs = Map.copyOf(b.configs);
    this.dynamic = b.dynamic;
    b.configs.forEach((cacheName, config) -> config.tagFor(cacheName)); // fail fast on bad names
  }

  /**
   * @param redis the client ({@code RedisClient} or {@code RedisClusterClient}); shared, not owned
   * @return a builder
   */
  public static Builder builder(UnifiedJedis redis) {
    return new Builder(redis);
  }

  /**
   * @param redis the client
   * @return a manager with the default settings and dynamic caches
   */
  public static MemoLockCacheManager create(UnifiedJedis redis) {
    return builder(redis).build();
  }

  @Override
  public @Nullable MemoLockCache getCache(String name) {
    MemoLockCache cache = caches.get(name);
    if (cache != null) {
      return cache;
    }
    MemoLockCacheConfiguration config = configs.get(name);
    if (config == null && !dynamic) {
      return null;
    }
    MemoLockCache created;
    creating.lock();
    try {
      cache = caches.get(name);
      if (cache != null) {
        return cache;
      }
      created = newCache(name, config != null ? config : defaults);
      caches.put(name, created);
    } finally {
      creating.unlock();
    }
    listeners.forEach(l -> l.accept(created));
    return created;
  }

  /** Starts the caches configured by name, so that they exist (and their metrics) before any use. */
  void createConfigured() {
    configs.keySet().forEach(this::getCache);
  }

  private MemoLockCache newCache(String name, MemoLockCacheConfiguration config) {
    String tag = config.tagFor(name);
    @SuppressWarnings("unchecked")
    Storage<Object> storage = (Storage<Object>) config.storage();
    MemoLock<Object> memoLock =
        MemoLock.builder(redis, storage)
            .tag(tag)
            .keyScheme(config.keyScheme())
            .lockTimeout(config.lockTimeout())
            .defaultTtl(config.ttl())
            .build();
    if (config.localTier()) {
      if (!(redis instanceof RedisClient)) {
        memoLock.close();
        throw new IllegalStateException(
            "cache '" + name + "': the local tier needs a standalone RedisClient, not " + redis.getClass().getSimpleName());
      }
      memoLock = LocalTier.builder().maximumSize(config.localTierMaximumSize()).wrap(memoLock);
    }
    LOG.log(System.Logger.Level.DEBUG, "cache ''{0}'': MemoLock tag {1}, {2}", name, tag, config);
    return new MemoLockCache(name, memoLock, config, new CacheKeys(redis, config.keyScheme(), tag), executor);
  }

  @Override
  public Collection<String> getCacheNames() {
    List<String> names = new ArrayList<>(configs.keySet());
    caches.keySet().stream().filter(n -> !configs.containsKey(n)).sorted().forEach(names::add);
    return List.copyOf(names);
  }

  /** @return the caches created so far */
  public Collection<MemoLockCache> caches() {
    return List.copyOf(caches.values());
  }

  /**
   * Calls {@code listener} with every cache created so far and every cache created later (for
   * metrics binders).
   *
   * @param listener the listener
   */
  public void forEachCache(Consumer<MemoLockCache> listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    caches.values().forEach(listener);
  }

  /** @return the default settings of caches without their own */
  public MemoLockCacheConfiguration defaults() {
    return defaults;
  }

  @Override
  public void close() {
    for (MemoLockCache cache : caches.values()) {
      cache.getNativeCache().close();
    }
  }

  /** Builds a {@link MemoLockCacheManager}. Not thread-safe. */
  public static final class Builder {
    private final UnifiedJedis redis;
    private MemoLockCacheConfiguration defaults = MemoLockCacheConfiguration.defaults();
    private final Map<String, MemoLockCacheConfiguration> configs = new LinkedHashMap<>();
    private boolean dynamic = true;

    private Builder(UnifiedJedis redis) {
      this.redis = Objects.requireNonNull(redis, "redis");
    }

    /** @param defaults settings of caches without their own @return this builder */
    public Builder defaults(MemoLockCacheConfiguration defaults) {
      this.defaults = Objects.requireNonNull(defaults, "defaults");
      return this;
    }

    /**
     * @param name a cache name (letters, digits, {@code . _ -})
     * @param config its settings
     * @return this builder
     * @throws IllegalArgumentException for a name of other characters
     */
    public Builder withCache(String name, MemoLockCacheConfiguration config) {
      Objects.requireNonNull(config, "config").tagFor(name);
      configs.put(name, config);
      return this;
    }

    /** @param name a cache name with the defaults @return this builder */
    public Builder withCache(String name) {
      return withCache(name, defaults);
    }

    /** Only the caches named by {@link #withCache} exist; others are {@code null}. @return this builder */
    public Builder disableDynamicCaches() {
      this.dynamic = false;
      return this;
    }

    /** @return the manager; caches named by {@link #withCache} are created at once */
    public MemoLockCacheManager build() {
      MemoLockCacheManager manager = new MemoLockCacheManager(this);
      manager.createConfigured();
      return manager;
    }
  }
}
