package io.memolock.local;

import com.github.benmanes.caffeine.cache.Ticker;
import io.memolock.MemoLock;
import io.memolock.internal.Engine;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;

/**
 * Builds a {@link LocalTier}. Each option is validated when set and may be set once. Not
 * thread-safe; use one builder per thread.
 */
public final class LocalTierBuilder {
  private long maximumSize = -1;
  private double refreshBeta = Double.NaN;
  private @Nullable Ticker ticker;
  private @Nullable ThreadFactory threadFactory;
  private long topologyRecheckMs = ClusterTracker.RECHECK_MS;

  LocalTierBuilder() {}

  /**
   * The most entries the near cache holds; beyond it Caffeine evicts (W-TinyLFU). Default 10,000.
   *
   * @param maximumSize at least 1
   * @return this builder
   * @throws IllegalArgumentException if below 1
   * @throws IllegalStateException if already set
   */
  public LocalTierBuilder maximumSize(long maximumSize) {
    if (this.maximumSize != -1) {
      throw new IllegalStateException("maximumSize was already set");
    }
    if (maximumSize < 1) {
      throw new IllegalArgumentException("maximumSize must be at least 1, was " + maximumSize);
    }
    this.maximumSize = maximumSize;
    return this;
  }

  /**
   * How eagerly values are recomputed before they expire (XFetch's beta): a caller recomputes in
   * the background when {@code now - delta * beta * ln(random()) >= expiry}. Larger is earlier; 1
   * is the paper's recommended default; 0 turns refresh before expiry off.
   *
   * <p>{@code delta} is the value's last computation time. So that every instance knows it, the
   * computation's caller stores it in Redis beside the value, under the key scheme's value key of
   * the tag {@code T/xfetch} (with the classic scheme: {@code T/xfetch:I} for value {@code T:I}),
   * as whole milliseconds in decimal text, with the value's TTL. The value, lock and channel layout
   * that the Go and C# implementations share is unchanged; they ignore this key (so do not use
   * {@code T/xfetch} as a tag of its own). On a {@code RedisClusterClient} the key is the value key
   * followed by {@code /xfetch} (with the cluster scheme: {@code {T:I}/xfetch}), in the value's hash
   * slot. With beta 0 the key is neither written nor read.
   *
   * @param beta finite, at least 0; default 1
   * @return this builder
   * @throws IllegalArgumentException if negative, NaN or infinite
   * @throws IllegalStateException if already set
   */
  public LocalTierBuilder refreshBeta(double beta) {
    if (!Double.isNaN(this.refreshBeta)) {
      throw new IllegalStateException("refreshBeta was already set");
    }
    if (!(beta >= 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException("refreshBeta must be finite and at least 0, was " + beta);
    }
    this.refreshBeta = beta;
    return this;
  }

  /**
   * The time source for near expiry and computation times. Default {@link
   * Ticker#systemTicker()}.
   *
   * @param ticker the ticker
   * @return this builder
   * @throws IllegalStateException if already set
   */
  public LocalTierBuilder ticker(Ticker ticker) {
    if (this.ticker != null) {
      throw new IllegalStateException("ticker was already set");
    }
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    return this;
  }

  /**
   * Makes the threads that run early recomputations and keep the tracking connection. Default:
   * virtual threads.
   *
   * @param threadFactory the factory
   * @return this builder
   * @throws IllegalStateException if already set
   */
  public LocalTierBuilder threadFactory(ThreadFactory threadFactory) {
    if (this.threadFactory != null) {
      throw new IllegalStateException("threadFactory was already set");
    }
    this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
    return this;
  }

  /**
   * For tests: how often a cluster tier looks at the topology without an event (default {@value
   * ClusterTracker#RECHECK_MS} ms). Not API.
   */
  LocalTierBuilder topologyRecheck(java.time.Duration every) {
    this.topologyRecheckMs = every.toMillis();
    return this;
  }

  /**
   * Puts a near cache in front of {@code memoLock}. The tier takes it over: closing the tier closes
   * it, and it should not be used directly any more (its writes would still invalidate the near
   * cache, but its reads would bypass it).
   *
   * @param memoLock a MemoLock built by {@link MemoLock#builder} on a {@code RedisClient} or a
   *     {@code RedisClusterClient} (then the tier tracks every primary: see {@link LocalTier})
   * @param <V> the value type
   * @return the tier; it starts serving from the near cache once its invalidation stream is up
   *     (within a round trip or two), and goes to Redis until then
   * @throws IllegalArgumentException if {@code memoLock} was not built by {@link MemoLock#builder},
   *     or its client is neither a {@code RedisClient} nor a {@code RedisClusterClient}
   */
  public <V> LocalTier<V> wrap(MemoLock<V> memoLock) {
    Objects.requireNonNull(memoLock, "memoLock");
    if (!(memoLock instanceof Engine<V> engine)) {
      throw new IllegalArgumentException(
          "the local tier wraps a MemoLock built by MemoLock.builder, not a "
              + memoLock.getClass().getName());
    }
    if (!(engine.client() instanceof RedisClient)
        && !(engine.client() instanceof RedisClusterClient)) {
      throw new IllegalArgumentException(
          "the local tier needs a RedisClient or a RedisClusterClient: server-assisted"
              + " invalidation over "
              + engine.client().getClass().getSimpleName()
              + " is not supported");
    }
    String tag = engine.tag();
    return new LocalTierImpl<>(
        engine,
        maximumSize == -1 ? 10_000 : maximumSize,
        Double.isNaN(refreshBeta) ? 1.0 : refreshBeta,
        ticker != null ? ticker : Ticker.systemTicker(),
        threadFactory != null
            ? threadFactory
            : Thread.ofVirtual().name("memolock-local-" + tag + "-", 0).factory(),
        topologyRecheckMs);
  }
}
