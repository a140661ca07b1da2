package io.memolock.spring.boot;

import io.memolock.spring.MemoLockCacheConfiguration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code memolock.cache.*}: the defaults of every cache ({@code memolock.cache.ttl}, ...) and
 * per-cache overrides ({@code memolock.cache.caches.<name>.ttl}, ...). A setting left out of an
 * override is the default's. Mutable bean for Spring's binder; not thread-safe, read once at
 * start-up.
 */
@ConfigurationProperties("memolock.cache")
public final class MemoLockCacheProperties extends MemoLockCacheSettings {
  private boolean enabled = true;
  private List<String> cacheNames = new ArrayList<>();
  private boolean dynamic = true;
  private String tagPrefix = "";
  private Map<String, MemoLockCacheSettings> caches = new LinkedHashMap<>();

  /** Creates the defaults: those of {@link MemoLockCacheConfiguration#defaults()}. */
  public MemoLockCacheProperties() {
    MemoLockCacheConfiguration d = MemoLockCacheConfiguration.defaults();
    setTtl(d.ttl());
    setLockTimeout(d.lockTimeout());
    setWaitTimeout(d.waitTimeout());
    setAllowNullValues(d.allowNullValues());
    setCodec(CodecType.JDK);
    setValueType(Object.class.getName());
    setLocalTier(d.localTier());
    setLocalTierMaximumSize(d.localTierMaximumSize());
  }

  /** @return whether the MemoLock cache manager is configured at all */
  public boolean isEnabled() {
    return enabled;
  }

  /** @param enabled whether the MemoLock cache manager is configured at all */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** @return caches created at start-up (besides those under {@code caches}) */
  public List<String> getCacheNames() {
    return cacheNames;
  }

  /** @param cacheNames caches created at start-up */
  public void setCacheNames(List<String> cacheNames) {
    this.cacheNames = cacheNames;
  }

  /** @return whether unknown cache names create caches with the defaults */
  public boolean isDynamic() {
    return dynamic;
  }

  /** @param dynamic whether unknown cache names create caches */
  public void setDynamic(boolean dynamic) {
    this.dynamic = dynamic;
  }

  /** @return put before every cache name to make its MemoLock tag */
  public String getTagPrefix() {
    return tagPrefix;
  }

  /** @param tagPrefix put before every cache name to make its MemoLock tag */
  public void setTagPrefix(String tagPrefix) {
    this.tagPrefix = tagPrefix;
  }

  /** @return per-cache overrides, by cache name */
  public Map<String, MemoLockCacheSettings> getCaches() {
    return caches;
  }

  /** @param caches per-cache overrides */
  public void setCaches(Map<String, MemoLockCacheSettings> caches) {
    this.caches = caches;
  }

  /** @return the default settings as a configuration */
  MemoLockCacheConfiguration defaults(@Nullable ClassLoader loader) {
    return applyTo(MemoLockCacheConfiguration.defaults().withTagPrefix(tagPrefix), loader);
  }
}
