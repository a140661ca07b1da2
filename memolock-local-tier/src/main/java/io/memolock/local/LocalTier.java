package io.memolock.local;

import io.memolock.MemoLock;

/**
 * A {@link MemoLock} with a near cache: a bounded Caffeine cache in this JVM in front of the
 * MemoLock it wraps. A near hit costs no Redis round trip; everything else behaves as the wrapped
 * MemoLock does.
 *
 * <p>Correctness, not just speed:
 *
 * <ul>
 *   <li><b>Every writer invalidates.</b> Redis server-assisted client-side caching ({@code
 *       CLIENT TRACKING ON REDIRECT <subscriber> BCAST PREFIX <tag prefix>}) tells this JVM of
 *       every change to a key of the tag, whoever makes it: another instance, the Go or C#
 *       implementation, {@code redis-cli}, an expiry or an eviction. The near copy is dropped
 *       when the message arrives (a millisecond or two after the write, measured).
 *   <li><b>Lost invalidations flush.</b> When the invalidation stream is interrupted (the shared
 *       subscriber connection or the tracking connection drops), the near cache is flushed at once
 *       and serves nothing until the stream is re-established; then it fills again.
 *   <li><b>Never outlives Redis.</b> A near entry expires no later than the value in Redis: on a
 *       near miss the tier reads the key's remaining TTL ({@code PTTL}) and measures it from before
 *       the request was sent.
 *   <li><b>No stale fill.</b> A value read while its key changes is not cached: a read
 *       registers itself before it is sent, and an invalidation that arrives meanwhile cancels it.
 *       (So a value this JVM has just computed or put is kept near from the next read on: the
 *       invalidation of its own write cannot be told from another writer's.)
 * </ul>
 *
 * <p>Staleness is bounded, not zero: invalidation is asynchronous, so another writer's change is
 * seen here when its message arrives (measured: a millisecond or two), and a drop of
 * the stream is acted on when the client notices it (a killed connection: at once; a silent
 * network partition: not until the socket fails).
 *
 * <p><b>Refresh before expiry</b> (XFetch, Vattani, Chierichetti and Lowenstein, VLDB 2015): on a
 * near hit of {@link #get}, the caller may, with a probability that rises as the value nears its
 * expiry, start a background recomputation with its computation. It runs under the value's Redis
 * lock (so one process in the fleet recomputes), stores, publishes and releases as a normal
 * computation does, while every caller keeps getting the current value. A caller recomputes early
 * when {@code now - delta * beta * ln(random()) >= expiry}, where {@code delta} is the last
 * measured computation time of the value and {@code beta} is {@link
 * LocalTierBuilder#refreshBeta}. The computation time is kept in Redis beside the value, in a key
 * of its own (see {@link LocalTierBuilder#refreshBeta}), so that every instance knows it; values
 * written by producers that record no time are not refreshed early.
 *
 * <p>What differs from the wrapped MemoLock: a near hit of {@code get} does not run the
 * computation nor wait, and does not count in {@link #metrics()} (which are the wrapped
 * MemoLock's); {@link #localMetrics()} counts it. A near miss costs the wrapped MemoLock's path
 * plus one round trip (a pipelined {@code PTTL} and read of the computation time). {@link #put} and
 * {@link #invalidate} drop this JVM's near copy before they return.
 *
 * <p>Instances are thread-safe. No call blocks while holding a monitor or inside a map's
 * {@code compute}: the near cache is only read with {@code getIfPresent} and filled with {@code
 * put}, so virtual threads never pin.
 *
 * <p>Example:
 *
 * <pre>{@code
 * RedisClient redis = RedisClient.create("127.0.0.1", 6379);
 * try (LocalTier<String> queries = LocalTier.builder()
 *     .maximumSize(10_000)
 *     .wrap(MemoLock.builder(redis, StringStorage.utf8()).tag("query").build())) {
 *   String likes = queries.get("kristoff", Duration.ofSeconds(10),
 *       lease -> Computed.of(runQuery("kristoff"), Duration.ofMinutes(1)));
 * }
 * }</pre>
 *
 * <p>Requirements: a standalone Redis 6 or newer reached through a {@code RedisClient}, or a Redis
 * Cluster 7 or newer through a {@code RedisClusterClient}, and a key scheme whose value keys share a
 * prefix (the classic and cluster ones do). On a cluster the tier tracks every primary on a
 * connection of its own, and serves only while every primary of the topology is tracked: a node's
 * death, a failover that demotes it, or a primary without tracking takes the near cache down,
 * flushed, until every primary is tracked again. Closing the tier closes the MemoLock it wraps.
 *
 * @param <V> the value type
 */
public interface LocalTier<V> extends MemoLock<V> {

  /**
   * Starts a builder.
   *
   * @return a new builder
   */
  static LocalTierBuilder builder() {
    return new LocalTierBuilder();
  }

  /** @return a snapshot of the near cache's counters, with the wrapped MemoLock's */
  LocalTierMetrics localMetrics();

  /** Closes the near cache, its tracking connection, and the wrapped MemoLock. Idempotent. */
  @Override
  void close();
}
