package io.memolock.local;

import com.github.benmanes.caffeine.cache.Ticker;
import io.memolock.AbsentValueException;
import io.memolock.BulkGetException;
import io.memolock.Computation;
import io.memolock.IdComputation;
import io.memolock.MemoLockClosedException;
import io.memolock.MemoLockException;
import io.memolock.internal.BulkCalls;
import io.memolock.internal.Engine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The local tier's bulk get ({@code getAll}, {@code findAll}): near hits answered here, the other
 * ids asked of the wrapped MemoLock in one bulk get of its own (its hits in one {@code MGET}, its
 * misses computed concurrently), and the values it returns kept near as a single get's fill keeps
 * them: each fill registered before the ids are sent (so an invalidation meanwhile cancels it),
 * then the values' TTLs and computation times read in one pipelined round trip for all of them.
 * Thread-safe.
 *
 * @param <V> the value type
 */
final class NearBulk<V> {

  /** The tier's near hit of one id ({@code LocalTierImpl.hit}): the value, or null for a miss. */
  @FunctionalInterface
  interface Hit<V> {
    @Nullable V hit(String id, String key, Computation<V> computation);
  }

  private final Engine<V> engine;
  private final NearKeys keys;
  private final ComputationTimes<V> times;
  private final NearCache<V> near;
  private final Ticker ticker;
  private final double beta;
  private final LongAdder misses;
  private final Hit<V> hit;
  private final BooleanSupplier closed;

  NearBulk(
      Engine<V> engine,
      NearKeys keys,
      ComputationTimes<V> times,
      NearCache<V> near,
      Ticker ticker,
      double beta,
      LongAdder misses,
      Hit<V> hit,
      BooleanSupplier closed) {
    this.engine = engine;
    this.keys = keys;
    this.times = times;
    this.near = near;
    this.ticker = ticker;
    this.beta = beta;
    this.misses = misses;
    this.hit = hit;
    this.closed = closed;
  }

  Map<String, Optional<V>> findAll(
      Collection<String> ids, Duration timeout, IdComputation<V> computation) {
    @SuppressWarnings("unchecked")
    Map<String, Optional<V>> found =
        (Map<String, Optional<V>>) fetch(ids, timeout, computation, false);
    return found;
  }

  Map<String, V> getAll(Collection<String> ids, Duration timeout, IdComputation<V> computation) {
    @SuppressWarnings("unchecked")
    Map<String, V> values = (Map<String, V>) fetch(ids, timeout, computation, true);
    return values;
  }

  /** @return the ids' values ({@code V}, or {@code Optional<V>} when absences are allowed) */
  private Map<String, ?> fetch(
      Collection<String> ids,
      Duration timeout,
      IdComputation<V> computation,
      boolean absentFails) {
    Objects.requireNonNull(computation, "computation");
    BulkCalls.requirePositive(timeout);
    List<String> distinct = BulkCalls.distinct(ids);
    if (closed.getAsBoolean()) {
      throw new MemoLockClosedException(engine.tag(), null);
    }
    long deadline;
    try {
      deadline = System.nanoTime() + timeout.toNanos();
    } catch (ArithmeticException e) {
      deadline = System.nanoTime() + Long.MAX_VALUE / 4; // centuries: no deadline in practice
    }
    Map<String, Optional<V>> found = new HashMap<>();
    Map<String, MemoLockException> failed = new HashMap<>();
    List<String> rest = new ArrayList<>();
    for (String id : distinct) {
      V held = hit.hit(id, keys.nearKey(id), lease -> computation.compute(id, lease));
      if (held != null) {
        found.put(id, Optional.of(held));
      } else {
        rest.add(id);
      }
    }
    if (!rest.isEmpty()) {
      fetchRest(rest, deadline, computation, found, failed);
    }
    Map<String, Object> served = new LinkedHashMap<>();
    Map<String, MemoLockException> failures = new LinkedHashMap<>();
    for (String id : distinct) {
      MemoLockException failure = failed.get(id);
      Optional<V> value = found.get(id);
      if (failure == null && value == null) {
        failure = new MemoLockException(engine.tag(), id, "no answer (a bug: report it)", null);
      }
      if (failure == null && absentFails && value.isEmpty()) {
        failure = new AbsentValueException(engine.tag(), id);
      }
      if (failure != null) {
        failures.put(id, failure);
      } else {
        served.put(id, absentFails ? value.orElseThrow() : value);
      }
    }
    Map<String, Object> values = Collections.unmodifiableMap(served);
    if (!failures.isEmpty()) {
      throw new BulkGetException(engine.tag(), Collections.unmodifiableMap(failures), values);
    }
    return values;
  }

  /** The near misses: one bulk get of the wrapped MemoLock, its values kept near. */
  private void fetchRest(
      List<String> rest,
      long deadline,
      IdComputation<V> computation,
      Map<String, Optional<V>> found,
      Map<String, MemoLockException> failed) {
    misses.add(rest.size());
    Map<String, NearCache.Fill> fills = new HashMap<>();
    try {
      for (String id : rest) {
        String key = keys.nearKey(id);
        NearCache.Fill fill = keys.tracked(key) ? near.begin(key) : null;
        if (fill != null) {
          fills.put(id, fill);
        }
      }
      Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
      Map<String, Optional<V>> served;
      try {
        served =
            engine.findAll(
                rest,
                left,
                (id, lease) -> times.timed(id, l -> computation.compute(id, l)).compute(lease));
      } catch (BulkGetException e) {
        served = e.values();
        failed.putAll(e.failures());
      }
      found.putAll(served);
      keep(served, fills);
    } finally {
      for (NearCache.Fill fill : fills.values()) {
        near.end(fill);
      }
    }
  }

  /** Keeps the served values near with their keys' remaining TTLs, as {@code LocalTierImpl.fill}. */
  private void keep(Map<String, Optional<V>> served, Map<String, NearCache.Fill> fills) {
    List<String> kept = new ArrayList<>();
    for (Map.Entry<String, Optional<V>> e : served.entrySet()) {
      if (e.getValue().isPresent() && fills.containsKey(e.getKey())) {
        kept.add(e.getKey());
      }
    }
    if (kept.isEmpty()) {
      return;
    }
    long sentAt = ticker.read();
    long[][] ttlsAndDeltas;
    try {
      ttlsAndDeltas = times.ttlsAndDeltas(kept);
    } catch (MemoLockException e) {
      // Not kept near; the callers have their values (an interrupt stays flagged).
      times
          .failures()
          .report(
              () ->
                  "MemoLock "
                      + engine.tag()
                      + ": could not read the TTLs for near copies of "
                      + kept
                      + ": "
                      + e);
      return;
    }
    for (int i = 0; i < kept.size(); i++) {
      String id = kept.get(i);
      long pttl = ttlsAndDeltas[i][0];
      if (pttl == -2 || pttl == 0) {
        continue; // gone, or about to go
      }
      long expiresAt = pttl < 0 ? Entry.NEVER : sentAt + TimeUnit.MILLISECONDS.toNanos(pttl);
      long delta = ttlsAndDeltas[i][1];
      V value = served.get(id).orElseThrow();
      near.complete(
          fills.get(id),
          new Entry<>(value, expiresAt, delta, XFetch.earliestDue(sentAt, expiresAt, delta, beta)));
    }
  }
}
