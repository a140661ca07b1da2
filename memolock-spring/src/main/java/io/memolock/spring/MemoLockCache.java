package io.memolock.spring;

import io.memolock.ComputationFailedException;
import io.memolock.Computed;
import io.memolock.MemoLock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.Cache;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * A Spring {@link Cache} on a {@link MemoLock}: {@link #get(Object, Callable)}, which is what
 * {@code @Cacheable(sync = true)} calls, computes a missing value exactly once across every JVM
 * sharing the Redis, under a per-key lock, and wakes the other callers with Redis Pub/Sub.
 *
 * <p>What each operation sends to Redis (tag {@code T}, id {@code I} from the {@link
 * CacheKeyConverter}, classic key scheme):
 *
 * <ul>
 *   <li>{@link #get(Object)}: {@code GET T:I}; on a miss with nulls allowed, {@code GET T/fail:I} to tell a
 *       cached {@code null} (MemoLock's absence, {@code "\0absent"}) from no entry.
 *   <li>{@link #get(Object, Callable)}: {@link MemoLock#find} (nulls allowed: a {@code null} result is
 *       cached as an absence) or {@link MemoLock#get}. The loader runs on a MemoLock virtual thread,
 *       not on the caller's, so the caller's thread-locals (transactions, security context) are not
 *       visible to it. Its exception reaches the caller as a {@link Cache.ValueRetrievalException}
 *       whose cause is the loader's exception (in another process's callers: a {@link
 *       ComputationFailedException} naming it); the wait timeout as a {@link
 *       io.memolock.MemoLockTimeoutException}.
 *   <li>{@link #put}: {@link MemoLock#put} ({@code SET} and {@code PUBLISH} in one script); a {@code
 *       null} is stored as an absence by one script ({@code DEL T:I}, {@code SET T/fail:I}, {@code
 *       PUBLISH}).
 *   <li>{@link #putIfAbsent}: {@link MemoLock#find} whose computation is the value: atomic in Redis
 *       (the value is written only by the lock holder, only if no value or absence exists).
 *   <li>{@link #evict}, {@link #evictIfPresent}: {@code DEL T:I T/fail:I}.
 *   <li>{@link #clear}, {@link #invalidate}: every {@code T:*}, {@code T/fail:*} and {@code T/xfetch:*}
 *       key, found with {@code SCAN MATCH … COUNT 500} and deleted 500 at a time with {@code UNLINK};
 *       never {@code KEYS} nor {@code FLUSHDB}. Locks stay, so a computation in progress still stores
 *       its value. Needs a standalone Redis.
 * </ul>
 *
 * <p>Thread-safe. Nothing blocks inside a monitor, so virtual threads never pin.
 */
public final class MemoLockCache implements Cache {
  private final String name;
  private final MemoLock<Object> memoLock;
  private final MemoLockCacheConfiguration config;
  private final CacheKeys keys;
  private final Executor executor;
  private final LongAdder puts = new LongAdder();
  private final LongAdder evictions = new LongAdder();

  MemoLockCache(
      String name,
      MemoLock<Object> memoLock,
      MemoLockCacheConfiguration config,
      CacheKeys keys,
      Executor executor) {
    this.name = name;
    this.memoLock = memoLock;
    this.config = config;
    this.keys = keys;
    this.executor = executor;
  }

  @Override
  public String getName() {
    return name;
  }

  /** @return the MemoLock under this cache (for metrics; its counters count this cache's calls) */
  @Override
  public MemoLock<Object> getNativeCache() {
    return memoLock;
  }

  /** @return this cache's settings */
  public MemoLockCacheConfiguration configuration() {
    return config;
  }

  /** @return values this cache stored: computed by its loaders here, or put */
  public long puts() {
    return puts.sum() + memoLock.metrics().computations();
  }

  /** @return entries evicted or cleared through this cache (a clear counts the keys it deleted) */
  public long evictions() {
    return evictions.sum();
  }

  private String id(Object key) {
    Objects.requireNonNull(key, "key");
    return config.keyConverter().toId(key);
  }

  @Override
  public @Nullable ValueWrapper get(Object key) {
    String id = id(key);
    Optional<Object> value = memoLock.getIfPresent(id);
    if (value.isPresent()) {
      return new SimpleValueWrapper(value.get());
    }
    return config.allowNullValues() && keys.absent(id) ? new SimpleValueWrapper(null) : null;
  }

  @Override
  public <T> @Nullable T get(Object key, @Nullable Class<T> type) {
    ValueWrapper wrapper = get(key);
    if (wrapper == null) {
      return null;
    }
    Object value = wrapper.get();
    if (value != null && type != null && !type.isInstance(value)) {
      throw new IllegalStateException(
          "cached value is not of required type [" + type.getName() + "]: " + value);
    }
    @SuppressWarnings("unchecked")
    T typed = (T) value;
    return typed;
  }

  @Override
  public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
    String id = id(key);
    try {
      Object value = load(id, () -> valueLoader.call());
      @SuppressWarnings("unchecked")
      T typed = (T) value;
      return typed;
    } catch (ComputationFailedException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof NullNotAllowedException n) {
        throw n.toIllegalArgument();
      }
      throw new ValueRetrievalException(key, valueLoader, cause);
    }
  }

  /** The computation behind both loaders: the value or an absence, checked and with the TTL. */
  private @Nullable Object load(String id, Callable<?> loader) {
    Duration ttl = config.ttl();
    if (config.allowNullValues()) {
      return memoLock
          .find(
              id,
              config.waitTimeout(),
              lease -> {
                Object v = loader.call();
                return v == null ? Computed.absent(ttl) : Computed.of(checked(v), ttl);
              })
          .orElse(null);
    }
    return memoLock.get(
        id,
        config.waitTimeout(),
        lease -> {
          Object v = loader.call();
          if (v == null) {
            throw new NullNotAllowedException(name);
          }
          return Computed.of(checked(v), ttl);
        });
  }

  private Object checked(Object value) {
    if (!config.valueType().isInstance(value)) {
      throw new IllegalArgumentException(
          "cache '" + name + "' holds " + config.valueType().getName() + " values, not "
              + value.getClass().getName());
    }
    return value;
  }

  @Override
  public void put(Object key, @Nullable Object value) {
    String id = id(key);
    if (value == null) {
      if (!config.allowNullValues()) {
        throw new NullNotAllowedException(name).toIllegalArgument();
      }
      keys.putAbsent(id, config.ttl().toMillis());
    } else {
      memoLock.put(id, checked(value), config.ttl());
    }
    puts.increment();
  }

  @Override
  public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
    String id = id(key);
    if (value == null && !config.allowNullValues()) {
      throw new NullNotAllowedException(name).toIllegalArgument();
    }
    Object stored = value == null ? null : checked(value);
    AtomicBoolean ours = new AtomicBoolean();
    Duration ttl = config.ttl();
    Optional<Object> current =
        memoLock.find(
            id,
            config.waitTimeout(),
            lease -> {
              ours.set(true);
              return stored == null ? Computed.absent(ttl) : Computed.of(stored, ttl);
            });
    if (ours.get()) {
      return null; // stored by our computation: puts() counts it among the computations
    }
    return new SimpleValueWrapper(current.orElse(null));
  }

  @Override
  public void evict(Object key) {
    evictIfPresent(key);
  }

  @Override
  public boolean evictIfPresent(Object key) {
    String id = id(key);
    boolean existed = keys.delete(id);
    memoLock.invalidate(id); // drops a near copy at once when a local tier is in front
    if (existed) {
      evictions.increment();
    }
    return existed;
  }

  @Override
  public void clear() {
    invalidate();
  }

  @Override
  public boolean invalidate() {
    long deleted = keys.clear();
    evictions.add(deleted);
    return deleted > 0;
  }

  @Override
  public @Nullable CompletableFuture<?> retrieve(Object key) {
    return CompletableFuture.supplyAsync(
        () -> {
          ValueWrapper wrapper = get(key);
          return wrapper == null || config.allowNullValues() ? wrapper : wrapper.get();
        },
        executor);
  }

  @Override
  public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
    String id = id(key);
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            @SuppressWarnings("unchecked")
            T value = (T) load(id, () -> valueLoader.get().join());
            return value;
          } catch (ComputationFailedException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof CompletionException c && c.getCause() != null) {
              cause = c.getCause();
            }
            if (cause instanceof NullNotAllowedException n) {
              cause = n.toIllegalArgument();
            }
            throw new CompletionException(cause);
          }
        },
        executor);
  }

  @Override
  public String toString() {
    return "MemoLockCache[" + name + ", tag " + memoLock.tag() + "]";
  }
}
