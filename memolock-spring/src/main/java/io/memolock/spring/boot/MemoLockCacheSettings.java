package io.memolock.spring.boot;

import io.memolock.spring.JdkSerializationCodec;
import io.memolock.spring.MemoLockCacheConfiguration;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;

/**
 * The settings of one cache as properties; a {@code null} setting keeps what it is applied to.
 * Mutable bean for Spring's binder; not thread-safe, read once at start-up.
 */
public class MemoLockCacheSettings {

  /** How values are encoded. */
  public enum CodecType {
    /** Java serialization ({@link JdkSerializationCodec}): any {@code Serializable} value. */
    JDK,
    /** JSON ({@code memolock-jackson}) of {@code value-type}. */
    JSON,
    /** UTF-8 text: {@code String} values only; what a Go peer or {@code redis-cli} writes. */
    STRING
  }

  private @Nullable Duration ttl;
  private @Nullable Duration lockTimeout;
  private @Nullable Duration waitTimeout;
  private @Nullable Boolean allowNullValues;
  private @Nullable CodecType codec;
  private @Nullable String valueType;
  private @Nullable Boolean localTier;
  private @Nullable Long localTierMaximumSize;

  /** @return time to live of values and cached nulls */
  public @Nullable Duration getTtl() {
    return ttl;
  }

  /** @param ttl time to live of values and cached nulls */
  public void setTtl(@Nullable Duration ttl) {
    this.ttl = ttl;
  }

  /** @return how long a computation's lock lives unless renewed */
  public @Nullable Duration getLockTimeout() {
    return lockTimeout;
  }

  /** @param lockTimeout how long a computation's lock lives unless renewed */
  public void setLockTimeout(@Nullable Duration lockTimeout) {
    this.lockTimeout = lockTimeout;
  }

  /** @return how long a caller waits at most for a value computed elsewhere */
  public @Nullable Duration getWaitTimeout() {
    return waitTimeout;
  }

  /** @param waitTimeout how long a caller waits at most for a value computed elsewhere */
  public void setWaitTimeout(@Nullable Duration waitTimeout) {
    this.waitTimeout = waitTimeout;
  }

  /** @return whether null is cached (as MemoLock's absence) */
  public @Nullable Boolean getAllowNullValues() {
    return allowNullValues;
  }

  /** @param allowNullValues whether null is cached */
  public void setAllowNullValues(@Nullable Boolean allowNullValues) {
    this.allowNullValues = allowNullValues;
  }

  /** @return how values are encoded */
  public @Nullable CodecType getCodec() {
    return codec;
  }

  /** @param codec how values are encoded */
  public void setCodec(@Nullable CodecType codec) {
    this.codec = codec;
  }

  /** @return the class name of the values (JSON reads them as this type) */
  public @Nullable String getValueType() {
    return valueType;
  }

  /** @param valueType the class name of the values */
  public void setValueType(@Nullable String valueType) {
    this.valueType = valueType;
  }

  /** @return whether a near cache sits in front (standalone Redis only) */
  public @Nullable Boolean getLocalTier() {
    return localTier;
  }

  /** @param localTier whether a near cache sits in front */
  public void setLocalTier(@Nullable Boolean localTier) {
    this.localTier = localTier;
  }

  /** @return the near cache's entry bound */
  public @Nullable Long getLocalTierMaximumSize() {
    return localTierMaximumSize;
  }

  /** @param localTierMaximumSize the near cache's entry bound */
  public void setLocalTierMaximumSize(@Nullable Long localTierMaximumSize) {
    this.localTierMaximumSize = localTierMaximumSize;
  }

  /**
   * @param base the settings to start from
   * @param loader loads {@code value-type}
   * @return {@code base} with every non-null setting of this one
   * @throws IllegalArgumentException for an unknown value type, a JSON codec without {@code
   *     memolock-jackson} on the class path, or a string codec with another value type
   */
  MemoLockCacheConfiguration applyTo(MemoLockCacheConfiguration base, @Nullable ClassLoader loader) {
    MemoLockCacheConfiguration c = base;
    if (ttl != null) {
      c = c.withTtl(ttl);
    }
    if (lockTimeout != null) {
      c = c.withLockTimeout(lockTimeout);
    }
    if (waitTimeout != null) {
      c = c.withWaitTimeout(waitTimeout);
    }
    if (allowNullValues != null) {
      c = c.withAllowNullValues(allowNullValues);
    }
    if (localTier != null) {
      c = c.withLocalTier(localTier);
    }
    if (localTierMaximumSize != null) {
      c = c.withLocalTierMaximumSize(localTierMaximumSize);
    }
    if (codec != null || valueType != null) {
      Class<?> type = valueType != null ? load(valueType, loader) : c.valueType();
      c = withCodec(c, codec != null ? codec : CodecType.JDK, type);
    }
    return c;
  }

  private static <V> MemoLockCacheConfiguration withCodec(
      MemoLockCacheConfiguration c, CodecType codec, Class<V> type) {
    return switch (codec) {
      case JDK -> c.withCodec(Object.class, JdkSerializationCodec.create()).withValueType(type);
      case STRING -> {
        if (type != String.class && type != Object.class) {
          throw new IllegalArgumentException("the string codec holds String values, not " + type.getName());
        }
        yield c.withCodec(String.class, io.memolock.spi.Codec.utf8());
      }
      case JSON -> {
        if (!ClassUtils.isPresent("io.memolock.jackson.JacksonCodec", MemoLockCacheSettings.class.getClassLoader())) {
          throw new IllegalArgumentException("codec json needs memolock-jackson on the class path");
        }
        yield c.withCodec(type, JsonCodecs.of(type));
      }
    };
  }

  private static Class<?> load(String name, @Nullable ClassLoader loader) {
    try {
      return ClassUtils.forName(name, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException("memolock.cache value-type: no class " + name, e);
    }
  }
}
