package io.memolock.spring;

import io.memolock.redis.strings.StringStorage;
import io.memolock.spi.Codec;
import io.memolock.spi.KeyScheme;
import io.memolock.spi.Storage;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The settings of one {@link MemoLockCache}, immutable: every {@code withX} returns a copy, in the
 * style of spring-data-redis's {@code RedisCacheConfiguration}. Start from {@link #defaults()}.
 *
 * <p>Thread-safe (immutable).
 *
 * @param ttl time to live of a cached value, and of a cached {@code null} (an absence); default 5 minutes
 * @param lockTimeout how long a computation's lock lives unless renewed (it is renewed while the
 *     computation runs): bounds how long a crashed holder delays the others; default 5 s
 * @param waitTimeout how long {@code get(key, loader)} waits at most for a value computed
 *     elsewhere before it throws {@link io.memolock.MemoLockTimeoutException}; default 30 s
 * @param allowNullValues whether {@code null} is cached (as MemoLock's absence); default {@code true}
 * @param storage how values are held in Redis; default a Redis String encoded with {@link
 *     JdkSerializationCodec} (use {@link #withCodec} for another codec)
 * @param valueType the type every cached value must have (checked before anything is written);
 *     default {@code Object}
 * @param localTier whether a near cache ({@code memolock-local-tier}) sits in front; needs a
 *     standalone {@code RedisClient}; default off
 * @param localTierMaximumSize the near cache's entry bound; default 10,000
 * @param tagPrefix put before the cache name to make the MemoLock tag, e.g. {@code "myapp."}; default empty
 * @param keyConverter maps keys to ids; default {@link CacheKeyConverter#standard()}
 * @param keyScheme how Redis keys are named; default {@link KeyScheme#classic()}: value {@code T:I}
 */
public record MemoLockCacheConfiguration(
    Duration ttl,
    Duration lockTimeout,
    Duration waitTimeout,
    boolean allowNullValues,
    Storage<?> storage,
    Class<?> valueType,
    boolean localTier,
    long localTierMaximumSize,
    String tagPrefix,
    CacheKeyConverter keyConverter,
    KeyScheme keyScheme) {

  /** What a tag (prefix and cache name) may hold: letters, digits, {@code . _ -}. */
  static final Pattern TAG = Pattern.compile("[A-Za-z0-9._-]+");

  /**
   * Checks every setting.
   *
   * @throws IllegalArgumentException for a duration below its minimum (ttl 1 ms, lock timeout 10
   *     ms, wait timeout 1 ms), a non-positive near-cache size or a prefix with other characters
   *     than letters, digits, {@code . _ -}
   */
  public MemoLockCacheConfiguration {
    atLeast(ttl, 1, "ttl");
    atLeast(lockTimeout, 10, "lockTimeout");
    atLeast(waitTimeout, 1, "waitTimeout");
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(valueType, "valueType");
    Objects.requireNonNull(tagPrefix, "tagPrefix");
    Objects.requireNonNull(keyConverter, "keyConverter");
    Objects.requireNonNull(keyScheme, "keyScheme");
    if (localTierMaximumSize < 1) {
      throw new IllegalArgumentException("localTierMaximumSize must be positive, was " + localTierMaximumSize);
    }
    if (!tagPrefix.isEmpty() && !TAG.matcher(tagPrefix).matches()) {
      throw new IllegalArgumentException(
          "tagPrefix may hold only letters, digits, '.', '_' and '-': '" + tagPrefix + "'");
    }
  }

  /** @return the defaults listed above */
  public static MemoLockCacheConfiguration defaults() {
    return new MemoLockCacheConfiguration(
        Duration.ofMinutes(5),
        Duration.ofSeconds(5),
        Duration.ofSeconds(30),
        true,
        StringStorage.of(JdkSerializationCodec.create()),
        Object.class,
        false,
        10_000,
        "",
        CacheKeyConverter.standard(),
        KeyScheme.classic());
  }

  /** @param ttl the values' time to live @return a copy */
  public MemoLockCacheConfiguration withTtl(Duration ttl) {
    return new MemoLockCacheConfiguration(ttl, lockTimeout, waitTimeout, allowNullValues, storage, valueType, localTier, localTierMaximumSize, tagPrefix, keyConverter, keyScheme);
  }

  /** @param lockTimeout the lock timeout @return a copy */
  public MemoLockCacheConfiguration withLockTimeout(Duration lockTimeout) {
    return new MemoLockCacheConfiguration(ttl, lockTimeout, waitTimeout, allowNullValues, storage, valueType, localTier, localTierMaximumSize, tagPrefix, keyConverter, keyScheme);
  }

  /** @param waitTimeout the wait timeout @return a copy */
  public MemoLockCacheConfiguration withWaitTimeout(Duration waitTimeout) {
    return new MemoLockCacheConfiguration(ttl, lockTimeout, waitTimeout, allowNullValues, storage, valueType, localTier, localTierMaximumSize, tagPrefix, keyConverter, keyScheme);
  }

  /** @param allow whether nulls are cached @return a copy */
  public MemoLockCacheConfiguration withAllowNullValues(boolean allow) {
    return new MemoLockCacheConfiguration(ttl, lockTimeout, waitTimeout, allow, storage, valueType, localTier, localTierMaximumSize, tagPrefix, keyConverter, keyScheme);
  }

  /**
   * Values as Redis Strings encoded by {@code codec} (for example {@code
   * JacksonCodec.of(Report.class)}); values of other types than {@code type} are rejected.
   *
   * @param type the values' type
   * @param codec the codec
   * @param <V> the values' type
   * @return a copy
   */
  public <V> MemoLockCacheConfiguration withCodec(Class<V> type, Codec<V> codec) {
    return withStorage(type, StringStorage.of(codec));
  }

  /**
   * Values held by another storage (e.g. a Hash for map values).
   *
   * @param type the values' type
   * @param storage the storage
   * @param <V> the values' type
   * @return a copy
   */
  public <V> MemoLockCacheConfiguration withStorage(Class<V> type, Storage<V> storage) {
    return new MemoLockCacheConfiguration(ttl, lockTimeout, waitTimeout, allowNullValues, storage, type, localTier, localTierMaximumSize, tagPrefix, keyConverter, keyScheme);
  }

  /**
   * @param type the type every cached value must have (the storage's values must be of it too)
   * @return a copy
   */
  public MemoLockCacheConfiguration withValueType(Class<?> type) {
    return new MemoLockCacheConfiguration(ttl, lockTimeout, waitTimeout, allowNullValues, storage, type, localTier, localTierMaximumSize, tagPrefix, keyConverter, keyScheme);
  }

  /** @param on whether a near cache sits in front @return a copy */
  public MemoLockCacheConfiguration withLocalTier(boolean on) {
    return new MemoLockCacheConfiguration(ttl, lockTimeout, waitTimeout, allowNullValues, storage, valueType, on, localTierMaximumSize, tagPrefix, keyConverter, keyScheme);
  }

  /** @param maximumSize the near cache's entry bound @return a copy */
  public MemoLockCacheConfiguration withLocalTierMaximumSize(long maximumSize) {
    return new MemoLockCacheConfiguration(ttl, lockTimeout, waitTimeout, allowNullValues, storage, valueType, localTier, maximumSize, tagPrefix, keyConverter, keyScheme);
  }

  /** @param prefix the tag prefix @return a copy */
  public MemoLockCacheConfiguration withTagPrefix(String prefix) {
    return new MemoLockCacheConfiguration(ttl, lockTimeout, waitTimeout, allowNullValues, storage, valueType, localTier, localTierMaximumSize, prefix, keyConverter, keyScheme);
  }

  /** @param converter the key converter @return a copy */
  public MemoLockCacheConfiguration withKeyConverter(CacheKeyConverter converter) {
    return new MemoLockCacheConfiguration(ttl, lockTimeout, waitTimeout, allowNullValues, storage, valueType, localTier, localTierMaximumSize, tagPrefix, converter, keyScheme);
  }

  /** @param scheme the key scheme (one whose names embed the id, for {@code clear()}) @return a copy */
  public MemoLockCacheConfiguration withKeyScheme(KeyScheme scheme) {
    return new MemoLockCacheConfiguration(ttl, lockTimeout, waitTimeout, allowNullValues, storage, valueType, localTier, localTierMaximumSize, tagPrefix, keyConverter, scheme);
  }

  /**
   * @param cacheName the cache name
   * @return the MemoLock tag of that cache: the prefix and the name
   * @throws IllegalArgumentException if the name holds other characters than letters, digits,
   *     {@code . _ -} (so that no two caches' keys can meet and {@code clear()} matches only its own)
   */
  public String tagFor(String cacheName) {
    Objects.requireNonNull(cacheName, "cacheName");
    if (!TAG.matcher(cacheName).matches()) {
      throw new IllegalArgumentException(
          "a MemoLock cache name may hold only letters, digits, '.', '_' and '-': '" + cacheName + "'");
    }
    return tagPrefix + cacheName;
  }

  private static void atLeast(Duration d, long millis, String name) {
    Objects.requireNonNull(d, name);
    if (d.toMillis() < millis) {
      throw new IllegalArgumentException(name + " must be at least " + millis + " ms, was " + d);
    }
  }
}
