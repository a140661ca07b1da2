package io.memolock.spring.boot;

import io.memolock.micrometer.MemoLockMetrics;
import io.memolock.spring.MemoLockCacheManager;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * A {@link MeterBinder} bean for every {@link MemoLockCacheManager} in the context, which Boot binds
 * to each {@code MeterRegistry} by itself. It binds every cache, those created later included, with
 * {@link MemoLockMetrics}: {@code cache.gets}, {@code cache.puts}, {@code cache.evictions} and
 * MemoLock's own meters, tagged {@code cache} and {@code cache.manager} (the bean name) as Boot
 * tags its own cache metrics. Thread-safe as Spring uses it.
 */
@AutoConfiguration(after = MemoLockCacheAutoConfiguration.class)
@ConditionalOnClass({MeterBinder.class, MemoLockMetrics.class})
@ConditionalOnBean(MemoLockCacheManager.class)
public class MemoLockCacheMetricsAutoConfiguration {

  /** Created by Spring. */
  public MemoLockCacheMetricsAutoConfiguration() {}

  /**
   * @param beans where the cache managers are
   * @return the binder
   */
  @Bean
  MeterBinder memoLockCacheMetrics(ListableBeanFactory beans) {
    return registry -> {
      Map<String, MemoLockCacheManager> managers = beans.getBeansOfType(MemoLockCacheManager.class);
      managers.forEach(
          (beanName, manager) ->
              manager.forEachCache(
                  cache ->
                      MemoLockMetrics.of(
                              cache.getNativeCache(),
                              cache.getName(),
                              Tags.of("cache.manager", beanName),
                              cache::puts,
                              cache::evictions)
                          .bindTo(registry)));
    };
  }
}
