package io.memolock.local;

import com.github.benmanes.caffeine.cache.Ticker;
import io.memolock.Computation;
import io.memolock.Computed;
import io.memolock.MemoLockException;
import io.memolock.MemoLockInterruptedException;
import io.memolock.internal.Engine;
import io.memolock.internal.RateLimitedLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.SetParams;

/**
 * The computation times that early refresh needs, kept in Redis beside the values (see {@link
 * LocalTierBuilder#refreshBeta}): recorded by the computation's caller, read with the value's TTL
 * on a near miss. Immutable, so thread-safe.
 *
 * @param <V> the value type
 */
final class ComputationTimes<V> {
  private final Engine<V> engine;
  private final NearKeys keys;
  private final double beta;
  private final Ticker ticker;
  private final RateLimitedLog failures;

  ComputationTimes(
      Engine<V> engine, NearKeys keys, double beta, Ticker ticker, RateLimitedLog failures) {
    this.engine = engine;
    this.keys = keys;
    this.beta = beta;
    this.ticker = ticker;
    this.failures = failures;
  }

  /** @return where failed commands beside a near miss are counted and logged (hintFailures) */
  RateLimitedLog failures() {
    return failures;
  }

  /**
   * One pipelined round trip: the value's PTTL and its recorded computation time.
   *
   * @return {PTTL in milliseconds (-2: no key, -1: no TTL), computation time in nanoseconds (0 if
   *     unknown, or with beta 0)}
   */
  long[] ttlAndDelta(String id) {
    return engine.command(
        id,
        () -> {
          try (AbstractPipeline p = engine.client().pipelined()) {
            Response<Long> pttl = p.pttl(keys.valueKey(id));
            Response<String> delta = beta > 0 ? p.get(keys.deltaKey(id)) : null;
            p.sync();
            return new long[] {pttl.get(), delta == null ? 0 : parseDelta(delta.get())};
          }
        });
  }

  /**
   * As {@link #ttlAndDelta} for several ids, in one pipelined round trip (a bulk get's fills).
   *
   * @param ids the ids, at least one
   * @return one {PTTL, computation time} pair per id, in order
   */
  long[][] ttlsAndDeltas(List<String> ids) {
    return engine.command(
        ids.get(0),
        () -> {
          try (AbstractPipeline p = engine.client().pipelined()) {
            List<Response<Long>> pttls = new ArrayList<>(ids.size());
            List<@Nullable Response<String>> deltas = new ArrayList<>(ids.size());
            for (String id : ids) {
              pttls.add(p.pttl(keys.valueKey(id)));
              deltas.add(beta > 0 ? p.get(keys.deltaKey(id)) : null);
            }
            p.sync();
            long[][] answers = new long[ids.size()][];
            for (int i = 0; i < answers.length; i++) {
              Response<String> delta = deltas.get(i);
              answers[i] =
                  new long[] {pttls.get(i).get(), delta == null ? 0 : parseDelta(delta.get())};
            }
            return answers;
          }
        });
  }

  private static long parseDelta(@Nullable String millis) {
    if (millis == null) {
      return 0;
    }
    try {
      return TimeUnit.MILLISECONDS.toNanos(Math.max(0, Long.parseLong(millis.trim())));
    } catch (NumberFormatException e) {
      return 0; // someone else's data: no early refresh
    }
  }

  /** Wraps a computation to measure it and record its duration beside the value. */
  Computation<V> timed(String id, Computation<V> computation) {
    if (beta <= 0) {
      return computation;
    }
    return lease -> {
      long start = ticker.read();
      Computed<V> computed = computation.compute(lease);
      long elapsed = ticker.read() - start;
      if (computed != null) {
        Duration ttl = computed.ttl() != null ? computed.ttl() : engine.settings().defaultTtl();
        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(elapsed + 999_999));
        try {
          SetParams px = SetParams.setParams().px(ttl.toMillis());
          engine.command(
              id, () -> engine.client().set(keys.deltaKey(id), Long.toString(millis), px));
        } catch (MemoLockInterruptedException e) {
          throw e;
        } catch (MemoLockException e) {
          // Only a hint for early refresh: the value itself is unaffected.
          failures.report(
              () ->
                  "MemoLock "
                      + engine.tag()
                      + " id '"
                      + id
                      + "': could not record the computation time: "
                      + e);
        }
      }
      return computed;
    };
  }
}
