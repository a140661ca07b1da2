package io.memolock.local;

import com.github.benmanes.caffeine.cache.Ticker;
import io.memolock.Computation;
import io.memolock.Computed;
import io.memolock.IdComputation;
import io.memolock.MemoLockClosedException;
import io.memolock.MemoLockException;
import io.memolock.MemoLockInterruptedException;
import io.memolock.Metrics;
import io.memolock.Trigger;
import io.memolock.spi.Storage;
import io.memolock.internal.Engine;
import io.memolock.internal.RateLimitedLog;
import io.memolock.spi.KeyScheme;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.SetParams;

/**
 * The {@link LocalTier} implementation: the near-cache read path, fills, and early refresh.
 * Thread-safe.
 *
 * @param <V> the value type
 */
final class LocalTierImpl<V> implements LocalTier<V> {
  /**
   * Extra margin for the server-side check that the value still expires soon when an early refresh
   * takes the lock: it absorbs the round trip, and is far below any value's fresh TTL.
   */
  private static final long REFRESH_MARGIN_MS = 100;

  private final Engine<V> engine;
  private final String tag;
  private final NearKeys keys;
  private final ComputationTimes<V> times;
  private final double beta;
  private final Ticker ticker;
  private final ThreadFactory threads;
  private final NearCache<V> near;
  private final InvalidationStream stream;
  private final NearBulk<V> bulk;
  private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder refreshes = new LongAdder();
  /** Early refreshes that failed: counted and logged (rate-limited). */
  private final RateLimitedLog refreshFailures = new RateLimitedLog();
  /** Near fills and computation-time hints whose command failed: counted and logged. */
  private final RateLimitedLog hintFailures = new RateLimitedLog();
  /** The invalidation stream's failed connections and topology loads: counted and logged. */
  private final RateLimitedLog streamFailures = new RateLimitedLog();

  LocalTierImpl(
      Engine<V> engine,
      long maximumSize,
      double beta,
      Ticker ticker,
      ThreadFactory threads,
      long topologyRecheckMs) {
    this.engine = engine;
    this.tag = engine.tag();
    boolean onCluster = engine.client() instanceof RedisClusterClient;
    this.keys = new NearKeys(engine.settings().keyScheme(), tag, onCluster);
    this.beta = beta;
    this.times = new ComputationTimes<>(engine, keys, beta, ticker, hintFailures);
    this.ticker = ticker;
    this.threads = threads;
    this.near = new NearCache<>(maximumSize, ticker);
    this.stream = InvalidationStream.of(
        engine, keys, near, threads, topologyRecheckMs, streamFailures);
    stream.start();
    this.bulk =
        new NearBulk<>(engine, keys, times, near, ticker, beta, misses, this::hit, () -> closed);
  }

  // ---------------------------------------------------------------- MemoLock

  @Override
  public V get(String id, Duration timeout, Computation<V> computation) {
    String key = nearKey(id);
    Objects.requireNonNull(computation, "computation");
    requirePositive(timeout);
    V held = hit(id, key, computation);
    if (held != null) {
      return held;
    }
    return Objects.requireNonNull(
        fill(id, key, () -> engine.get(id, timeout, times.timed(id, computation)), computation));
  }

  /**
   * {@inheritDoc} A near copy answers at once; an absence is not kept near (it is cached in Redis
   * with its own TTL, and every lookup of it goes there).
   */
  @Override
  public Optional<V> find(String id, Duration timeout, Computation<V> computation) {
    String key = nearKey(id);
    Objects.requireNonNull(computation, "computation");
    requirePositive(timeout);
    V held = hit(id, key, computation);
    if (held != null) {
      return Optional.of(held);
    }
    return Optional.ofNullable(
        fill(
            id,
            key,
            () -> engine.find(id, timeout, times.timed(id, computation)).orElse(null),
            computation));
  }

  /** {@inheritDoc} Near hits answer at once; the other ids are one bulk get of the wrapped one. */
  @Override
  public Map<String, V> getAll(Collection<String> ids, Duration timeout, IdComputation<V> c) {
    return bulk.getAll(ids, timeout, c);
  }

  /** {@inheritDoc} As {@link #getAll}; absences are not kept near, as for {@link #find}. */
  @Override
  public Map<String, Optional<V>> findAll(
      Collection<String> ids, Duration timeout, IdComputation<V> c) {
    return bulk.findAll(ids, timeout, c);
  }

  /** {@inheritDoc} Partial reads always go to Redis: the near cache holds whole values. */
  @Override
  public <R> Optional<R> readIfPresent(String id, Storage.Reader<R> reader) {
    return engine.readIfPresent(id, reader);
  }

  @Override
  public V getExternal(String id, Duration timeout, Trigger trigger) {
    String key = nearKey(id);
    Objects.requireNonNull(trigger, "trigger");
    requirePositive(timeout);
    V held = hit(id, key, null);
    if (held != null) {
      return held;
    }
    return Objects.requireNonNull(
        fill(id, key, () -> engine.getExternal(id, timeout, trigger), null));
  }

  @Override
  public Optional<V> getIfPresent(String id) {
    String key = nearKey(id);
    V held = hit(id, key, null);
    if (held != null) {
      return Optional.of(held);
    }
    return Optional.ofNullable(fill(id, key, () -> engine.getIfPresent(id).orElse(null), null));
  }

  @Override
  public void put(String id, V value, Duration ttl) {
    String key = nearKey(id);
    try {
      engine.put(id, value, ttl);
    } finally {
      near.invalidate(key);
    }
  }

  @Override
  public void invalidate(String id) {
    String key = nearKey(id);
    try {
      engine.invalidate(id);
    } finally {
      near.invalidate(key);
    }
  }

  @Override
  public Metrics metrics() {
    return engine.metrics();
  }

  @Override
  public LocalTierMetrics localMetrics() {
    return new LocalTierMetrics(
        hits.sum(),
        misses.sum(),
        near.invalidations.sum(),
        near.flushes.sum(),
        refreshes.sum(),
        refreshFailures.count(),
        hintFailures.count(),
        streamFailures.count(),
        near.estimatedSize(),
        near.live(),
        engine.metrics());
  }

  @Override
  public String tag() {
    return tag;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stream.close();
    } finally {
      engine.close();
    }
  }

  // ---------------------------------------------------------------- for tests

  /** @return the invalidation stream, for tests */
  InvalidationStream stream() {
    return stream;
  }

  String prefix() {
    return keys.prefix();
  }

  /** @return whether the near cache serves {@code id} now */
  boolean isNear(String id) {
    return near.get(nearKey(id)) != null;
  }

  // ---------------------------------------------------------------- near hits and misses

  /**
   * The near copy's value, counted as a hit (and, with a computation, perhaps refreshed early), or
   * {@code null} for a miss (not counted here: {@link #fill} counts it). A near copy exists only
   * for an id that the wrapped MemoLock accepted when it was filled, so a hit needs no validation
   * of the id: an invalid one always misses and the wrapped MemoLock rejects it. One clock read for
   * a value with a TTL (its expiry, and whether early refresh may be due), none without.
   *
   * @param computation the computation that refreshes the value early, or null for none
   */
  private @Nullable V hit(String id, String key, @Nullable Computation<V> computation) {
    Entry<V> entry = near.peek(key);
    if (entry == null) {
      return null;
    }
    long expiresAt = entry.expiresAt;
    if (expiresAt != Entry.NEVER) {
      long now = ticker.read();
      if (now - expiresAt >= 0) {
        near.expire(key, entry);
        return null;
      }
      if (computation != null && now - entry.drawFrom >= 0) {
        maybeRefresh(id, key, entry, computation, now);
      }
    }
    hits.increment();
    return entry.value;
  }

  /**
   * Reads through the wrapped MemoLock and keeps the value near, with the key's remaining TTL, if
   * the key did not change meanwhile.
   */
  private @Nullable V fill(
      String id, String key, Supplier<@Nullable V> read, @Nullable Computation<V> computation) {
    misses.increment();
    NearCache.Fill fill = keys.tracked(key) ? near.begin(key) : null;
    if (fill == null) {
      return read.get();
    }
    try {
      V value = read.get();
      if (value == null) {
        return null;
      }
      long sentAt = ticker.read();
      long[] ttlAndDelta;
      try {
        ttlAndDelta = times.ttlAndDelta(id);
      } catch (MemoLockException e) {
        // Not kept near; the caller has its value (an interrupt stays flagged).
        hintFailures.report(
            () -> "MemoLock " + tag + " id '" + id + "': could not read the TTL for a near copy: " + e);
        return value;
      }
      long pttl = ttlAndDelta[0];
      if (pttl == -2 || pttl == 0) {
        return value; // gone, or about to go
      }
      long expiresAt = pttl < 0 ? Entry.NEVER : sentAt + TimeUnit.MILLISECONDS.toNanos(pttl);
      long delta = ttlAndDelta[1];
      Entry<V> entry =
          new Entry<>(value, expiresAt, delta, XFetch.earliestDue(sentAt, expiresAt, delta, beta));
      near.complete(fill, entry);
      if (computation != null && expiresAt != Entry.NEVER) {
        long now = ticker.read();
        if (now - entry.drawFrom >= 0) {
          maybeRefresh(id, key, entry, computation, now);
        }
      }
      return value;
    } finally {
      near.end(fill);
    }
  }

  // ---------------------------------------------------------------- refresh before expiry

  /**
   * XFetch's decision for one caller, from {@link Entry#drawFrom} on (before it no draw can be
   * due), and the background refresh if it is due.
   */
  private void maybeRefresh(
      String id, String key, Entry<V> entry, Computation<V> computation, long now) {
    if (beta <= 0
        || entry.deltaNanos <= 0
        || entry.expiresAt == Entry.NEVER
        || entry.refreshTried()
        || closed) {
      return;
    }
    if (!XFetch.due(
        now, entry.expiresAt, entry.deltaNanos, beta, ThreadLocalRandom.current().nextDouble())) {
      return;
    }
    // One attempt per near copy (a lost race for the lock is not retried on every hit), and one
    // refresh at a time per key in this process.
    if (!entry.claimRefresh() || !refreshing.add(key)) {
      return;
    }
    long expiresWithinMs =
        TimeUnit.NANOSECONDS.toMillis(Math.max(0, entry.expiresAt - now)) + REFRESH_MARGIN_MS;
    try {
      threads
          .newThread(() -> refresh(id, key, Duration.ofMillis(expiresWithinMs), computation))
          .start();
    } catch (RuntimeException e) {
      refreshing.remove(key);
      refreshFailures.report(() -> "MemoLock " + tag + " id '" + id + "': could not start an early refresh: " + e);
    }
  }

  private void refresh(String id, String key, Duration expiresWithin, Computation<V> computation) {
    try {
      if (engine.refresh(id, expiresWithin, times.timed(id, computation))) {
        refreshes.increment();
        // The new value is in Redis: drop the old copy now rather than when the invalidation
        // message arrives, so this JVM does not start a second refresh of it meanwhile.
        near.invalidate(key);
      }
    } catch (MemoLockClosedException e) {
      // closing
    } catch (RuntimeException e) {
      refreshFailures.report(() -> "MemoLock " + tag + " id '" + id + "': early refresh failed: " + e);
    } finally {
      refreshing.remove(key);
    }
  }

  // ---------------------------------------------------------------- keys and arguments

  /** The near key of an id (see {@link NearKeys#nearKey}), once this tier is known to be open. */
  private String nearKey(String id) {
    Objects.requireNonNull(id, "id");
    if (closed) {
      throw new MemoLockClosedException(tag, id);
    }
    return keys.nearKey(id);
  }

  private static void requirePositive(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
  }

  /** As {@link NearKeys#commonPrefix}. */
  static String commonPrefix(KeyScheme scheme, String tag) {
    return NearKeys.commonPrefix(scheme, tag);
  }
}
