package io.memolock.local;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The near entries (a Caffeine cache keyed by Redis value key) and the rules that keep them
 * correct. Thread-safe and lock-free: Caffeine is only read with {@code getIfPresent} and written
 * with {@code put}/{@code remove}, never with a blocking {@code compute}.
 *
 * <ul>
 *   <li>An entry is served until its {@link Entry#expiresAt} (no later than the value's expiry in
 *       Redis), checked on every read. An expired entry that nobody reads again is dropped when
 *       Redis's invalidation of the expired key arrives, or by eviction.
 *   <li>It serves only while {@linkplain #live() live}: while the invalidation stream is up.
 *       Every change of liveness bumps the generation and drops every entry.
 *   <li>A fill registers a {@link Fill} <em>before</em> its Redis read is sent. An invalidation of
 *       the key marks the registered fill, and a marked fill, or one from an older generation, does
 *       not keep its entry. Checking again after the put closes the race with an invalidation or a
 *       flush that runs during it.
 * </ul>
 *
 * @param <V> the value type
 */
final class NearCache<V> {
  private final Cache<String, Entry<V>> cache;
  private final Ticker ticker;
  private final ConcurrentHashMap<String, Fill> fills = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private volatile boolean live;
  final LongAdder invalidations = new LongAdder();
  final LongAdder flushes = new LongAdder();

  /** A read in progress whose value may be kept. */
  static final class Fill {
    final String key;
    final long generation;
    volatile boolean invalidated;

    Fill(String key, long generation) {
      this.key = key;
      this.generation = generation;
    }
  }

  NearCache(long maximumSize, Ticker ticker) {
    // No Caffeine expiry: a hit checks its entry's expiry itself (one clock read, shared with the
    // early-refresh decision), and Caffeine's read path stays its cheapest.
    this.cache = Caffeine.newBuilder().maximumSize(maximumSize).build();
    this.ticker = ticker;
  }

  boolean live() {
    return live;
  }

  /** @return the near entry, or {@code null} if absent, expired, or not live */
  @Nullable Entry<V> get(String key) {
    Entry<V> entry = peek(key);
    if (entry == null || entry.expiresAt == Entry.NEVER) {
      return entry;
    }
    if (ticker.read() - entry.expiresAt >= 0) {
      expire(key, entry);
      return null;
    }
    return entry;
  }

  /**
   * The near entry while live, without the expiry check: the caller must check {@link
   * Entry#expiresAt} against the ticker, and {@link #expire} the entry if it has passed.
   *
   * @return the near entry, perhaps expired, or {@code null} if absent or not live
   */
  @Nullable Entry<V> peek(String key) {
    return live ? cache.getIfPresent(key) : null;
  }

  /** Drops an entry that has expired (only this entry: a newer fill of the key stays). */
  void expire(String key, Entry<V> entry) {
    cache.asMap().remove(key, entry);
  }

  /**
   * Registers a fill before its read is sent.
   *
   * @return the fill, or {@code null} if not live or another fill of the key is in progress (the
   *     caller then reads without keeping the value)
   */
  @Nullable Fill begin(String key) {
    long g = generation.get();
    if (!live) {
      return null;
    }
    Fill fill = new Fill(key, g);
    return fills.putIfAbsent(key, fill) == null ? fill : null;
  }

  /** Keeps the fill's entry, unless its key changed or the stream was interrupted since begin. */
  void complete(Fill fill, Entry<V> entry) {
    if (!valid(fill)) {
      return;
    }
    cache.put(fill.key, entry);
    if (!valid(fill)) {
      cache.asMap().remove(fill.key, entry);
    }
  }

  /** Unregisters a fill, whatever became of it. */
  void end(Fill fill) {
    fills.remove(fill.key, fill);
  }

  private boolean valid(Fill fill) {
    return !fill.invalidated && generation.get() == fill.generation;
  }

  /** The key changed in Redis (or this JVM changed it): drop the near copy and cancel its fill. */
  void invalidate(String key) {
    Fill fill = fills.get(key);
    if (fill != null) {
      fill.invalidated = true;
    }
    cache.invalidate(key);
  }

  /** Redis was flushed: drop everything, stay live. */
  void flush() {
    flushes.increment();
    generation.incrementAndGet();
    cache.invalidateAll();
  }

  /** The invalidation stream is up: serve again, from empty. */
  void goLive() {
    generation.incrementAndGet();
    live = true;
    cache.invalidateAll();
  }

  /** The invalidation stream is interrupted: stop serving and drop everything. */
  void goDown() {
    boolean was = live;
    live = false;
    generation.incrementAndGet();
    cache.invalidateAll();
    if (was) {
      flushes.increment();
    }
  }

  long estimatedSize() {
    return cache.estimatedSize();
  }
}
