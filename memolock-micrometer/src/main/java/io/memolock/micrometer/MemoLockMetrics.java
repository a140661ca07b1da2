package io.memolock.micrometer;

import io.memolock.MemoLock;
import io.memolock.Metrics;
import io.memolock.local.LocalTier;
import io.memolock.local.LocalTierMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Binds a {@link MemoLock}'s counters to a Micrometer {@link MeterRegistry}, following Micrometer's
 * cache conventions as {@code CaffeineCacheMetrics} does, plus MemoLock's own meters. Every meter is
 * tagged {@code cache=<name>} and the given tags; every figure is read from {@link
 * MemoLock#metrics()} (and {@link LocalTier#localMetrics()}) when the registry polls, so the
 * registry shows what {@code metrics()} shows.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>meter</th><th>type</th><th>figure</th></tr>
 *   <tr><td>{@code cache.gets{result=hit}}</td><td>function counter</td><td>{@link Metrics#hits()}, plus the
 *       local tier's near hits</td></tr>
 *   <tr><td>{@code cache.gets{result=miss}}</td><td>function counter</td><td>{@link Metrics#misses()}</td></tr>
 *   <tr><td>{@code cache.puts}</td><td>function counter</td><td>the puts supplier (default {@link
 *       Metrics#computations()}: every computation stores its value)</td></tr>
 *   <tr><td>{@code cache.evictions}</td><td>function counter</td><td>the evictions supplier; not registered without
 *       one (a bare MemoLock counts no invalidations)</td></tr>
 *   <tr><td>{@code cache.size}</td><td>gauge</td><td>the local tier's near entries; not registered without a
 *       tier (Redis holds the values)</td></tr>
 *   <tr><td>{@code memolock.computations}, {@code memolock.waits}, {@code memolock.wakeups}, {@code
 *       memolock.timeouts}, {@code memolock.failures}, {@code memolock.takeovers}, {@code memolock.coalesced}</td>
 *       <td>function counters</td><td>the {@link Metrics} field of the same name</td></tr>
 *   <tr><td>{@code memolock.wait}</td><td>function timer</td><td>{@link Metrics.Distribution#count()} and
 *       {@link Metrics.Distribution#sumMicros()} of {@link Metrics#waitTime()}</td></tr>
 *   <tr><td>{@code memolock.store.failures}, {@code memolock.release.failures}, {@code
 *       memolock.renewal.failures}, {@code memolock.subscriber.errors}, {@code
 *       memolock.undecodable.notifications}</td><td>function counters</td><td>the failures the MemoLock survived
 *       (logged and counted)</td></tr>
 *   <tr><td>{@code memolock.wait.percentile{phi=0.5|0.99}}, {@code memolock.wait.max}</td><td>time
 *       gauges</td><td>{@link Metrics.Distribution#p50Micros()}, {@code p99Micros()}, {@code maxMicros()}</td></tr>
 *   <tr><td>{@code memolock.local.hits}, {@code .misses}, {@code .invalidations}, {@code .flushes}, {@code
 *       .refreshes}, {@code .refresh.failures}, {@code .stream.failures}; gauge {@code memolock.local.active}</td><td>with a local
 *       tier</td><td>the {@link LocalTierMetrics} fields</td></tr>
 * </table>
 *
 * <p>The wait time is a function timer (count and total, so rates and means work in any registry)
 * plus gauges for the percentiles MemoLock's own histogram computes.
 *
 * <p>Thread-safe. Like every {@link CacheMeterBinder} it holds the MemoLock weakly: meters of a
 * collected MemoLock read {@code NaN}.
 */
public final class MemoLockMetrics extends CacheMeterBinder<MemoLock<?>> {
  private static final String PREFIX = "memolock.";

  private final @Nullable LongSupplier puts;
  private final @Nullable LongSupplier evictions;

  private MemoLockMetrics(
      MemoLock<?> memoLock,
      String cacheName,
      Iterable<Tag> tags,
      @Nullable LongSupplier puts,
      @Nullable LongSupplier evictions) {
    super(memoLock, cacheName, tags);
    this.puts = puts;
    this.evictions = evictions;
  }

  /**
   * A binder for {@code memoLock}: {@code cache.puts} counts its computations, {@code
   * cache.evictions} is not registered.
   *
   * @param memoLock the MemoLock (or {@link LocalTier})
   * @param cacheName the {@code cache} tag
   * @param tags further tags
   * @return the binder; call {@link #bindTo} or register it as a bean
   */
  public static MemoLockMetrics of(MemoLock<?> memoLock, String cacheName, Iterable<Tag> tags) {
    return new MemoLockMetrics(check(memoLock), check(cacheName), Tags.of(tags), null, null);
  }

  /**
   * A binder for a cache on {@code memoLock} that counts its own puts and evictions (as {@code
   * io.memolock.spring.MemoLockCache} does).
   *
   * @param memoLock the MemoLock (or {@link LocalTier})
   * @param cacheName the {@code cache} tag
   * @param tags further tags
   * @param puts values stored (computed or put)
   * @param evictions entries evicted or cleared
   * @return the binder
   */
  public static MemoLockMetrics of(
      MemoLock<?> memoLock,
      String cacheName,
      Iterable<Tag> tags,
      LongSupplier puts,
      LongSupplier evictions) {
    return new MemoLockMetrics(
        check(memoLock),
        check(cacheName),
        Tags.of(tags),
        Objects.requireNonNull(puts, "puts"),
        Objects.requireNonNull(evictions, "evictions"));
  }

  /**
   * Binds {@code memoLock} to {@code registry} at once.
   *
   * @param registry the registry
   * @param memoLock the MemoLock
   * @param cacheName the {@code cache} tag
   * @param tags further tags, as key-value pairs
   * @param <M> the MemoLock type
   * @return {@code memoLock}
   */
  public static <M extends MemoLock<?>> M monitor(
      MeterRegistry registry, M memoLock, String cacheName, String... tags) {
    of(memoLock, cacheName, Tags.of(tags)).bindTo(registry);
    return memoLock;
  }

  private static <T> T check(T value) {
    return Objects.requireNonNull(value, "argument");
  }

  private @Nullable Metrics remote() {
    MemoLock<?> m = getCache();
    return m == null ? null : m.metrics();
  }

  private @Nullable LocalTierMetrics local() {
    return getCache() instanceof LocalTier<?> tier ? tier.localMetrics() : null;
  }

  @Override
  protected @Nullable Long size() {
    LocalTierMetrics local = local();
    return local == null ? null : local.estimatedSize();
  }

  @Override
  protected long hitCount() {
    LocalTierMetrics local = local();
    if (local != null) {
      return local.hits() + local.remote().hits();
    }
    Metrics m = remote();
    return m == null ? 0 : m.hits();
  }

  @Override
  protected Long missCount() {
    Metrics m = remote();
    return m == null ? 0L : m.misses();
  }

  @Override
  protected @Nullable Long evictionCount() {
    return evictions == null ? null : evictions.getAsLong();
  }

  @Override
  protected long putCount() {
    if (puts != null) {
      return puts.getAsLong();
    }
    Metrics m = remote();
    return m == null ? 0 : m.computations();
  }

  @Override
  protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
    MemoLock<?> memoLock = getCache();
    if (memoLock == null) {
      return;
    }
    Tags tags = Tags.of(getTagsWithCacheName());
    counter(registry, memoLock, "computations", "computations started in this process", tags, Metrics::computations);
    counter(registry, memoLock, "waits", "callers that waited for a value computed elsewhere", tags, Metrics::waits);
    counter(registry, memoLock, "wakeups", "waits ended by a notification carrying the value", tags, Metrics::wakeUps);
    counter(registry, memoLock, "timeouts", "callers that timed out", tags, Metrics::timeouts);
    counter(registry, memoLock, "failures", "computations that failed, here or elsewhere", tags, Metrics::failures);
    counter(registry, memoLock, "takeovers", "locks taken over from a vanished holder", tags, Metrics::takeovers);
    counter(registry, memoLock, "coalesced", "callers that joined an in-flight request in this process", tags, Metrics::coalesced);
    FunctionTimer.builder(
            PREFIX + "wait",
            memoLock,
            l -> l.metrics().waitTime().count(),
            l -> l.metrics().waitTime().sumMicros(),
            TimeUnit.MICROSECONDS)
        .tags(tags)
        .description("time callers waited for a value computed elsewhere")
        .register(registry);
    counter(registry, memoLock, "store.failures", "computed values that could not be stored", tags, Metrics::storeFailures);
    counter(registry, memoLock, "release.failures", "locks not released, failures not announced", tags, Metrics::releaseFailures);
    counter(registry, memoLock, "renewal.failures", "lease renewals that failed on a Redis error", tags, Metrics::renewalFailures);
    counter(registry, memoLock, "subscriber.errors", "problems of the subscriber connection", tags, Metrics::subscriberErrors);
    counter(registry, memoLock, "undecodable.notifications", "notifications that could not be decoded", tags, Metrics::undecodableNotifications);
    timeGauge(registry, memoLock, "wait.percentile", tags.and("phi", "0.5"), m -> m.waitTime().p50Micros());
    timeGauge(registry, memoLock, "wait.percentile", tags.and("phi", "0.99"), m -> m.waitTime().p99Micros());
    timeGauge(registry, memoLock, "wait.max", tags, m -> m.waitTime().maxMicros());
    if (memoLock instanceof LocalTier<?> tier) {
      localCounter(registry, tier, "hits", "callers served from the near cache", tags, LocalTierMetrics::hits);
      localCounter(registry, tier, "misses", "callers that went to Redis", tags, LocalTierMetrics::misses);
      localCounter(registry, tier, "invalidations", "invalidation messages received", tags, LocalTierMetrics::invalidations);
      localCounter(registry, tier, "flushes", "times the near cache was dropped whole", tags, LocalTierMetrics::flushes);
      localCounter(registry, tier, "refreshes", "early recomputations stored", tags, LocalTierMetrics::refreshes);
      localCounter(registry, tier, "refresh.failures", "early recomputations that failed", tags, LocalTierMetrics::refreshFailures);
      localCounter(registry, tier, "stream.failures", "failures of the invalidation stream", tags, LocalTierMetrics::streamFailures);
      Gauge.builder(PREFIX + "local.active", tier, t -> t.localMetrics().active() ? 1 : 0)
          .tags(tags)
          .description("1 while the near cache serves, 0 while its invalidation stream is down")
          .register(registry);
    }
  }

  private static void counter(
      MeterRegistry registry,
      MemoLock<?> memoLock,
      String name,
      String description,
      Tags tags,
      ToDoubleFunction<Metrics> figure) {
    FunctionCounter.builder(PREFIX + name, memoLock, m -> figure.applyAsDouble(m.metrics()))
        .tags(tags)
        .description(description)
        .register(registry);
  }

  private static void timeGauge(
      MeterRegistry registry,
      MemoLock<?> memoLock,
      String name,
      Tags tags,
      ToDoubleFunction<Metrics> micros) {
    TimeGauge.builder(
            PREFIX + name, memoLock, TimeUnit.MICROSECONDS, m -> micros.applyAsDouble(m.metrics()))
        .tags(tags)
        .description("time callers waited for a value computed elsewhere")
        .register(registry);
  }

  private static void localCounter(
      MeterRegistry registry,
      LocalTier<?> tier,
      String name,
      String description,
      Tags tags,
      ToDoubleFunction<LocalTierMetrics> figure) {
    FunctionCounter.builder(PREFIX + "local." + name, tier, t -> figure.applyAsDouble(t.localMetrics()))
        .tags(tags)
        .description(description)
        .register(registry);
  }
}
