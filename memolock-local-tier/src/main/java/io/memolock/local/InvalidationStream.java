package io.memolock.local;

import io.memolock.internal.Engine;
import io.memolock.internal.RateLimitedLog;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;

/**
 * What keeps a near cache's invalidations coming: {@link Tracker} on a standalone Redis, {@link
 * ClusterTracker} on a Redis Cluster. Either takes the near cache down (flushed) whenever it may
 * have missed an invalidation, and brings it live again (from empty) once every write to the tag's
 * keys is reported again. Thread-safe.
 */
interface InvalidationStream {

  /**
   * The stream for the engine's client, not started: a {@link ClusterTracker} on a {@code
   * RedisClusterClient}, else a {@link Tracker} (the builder lets nothing else through).
   */
  static InvalidationStream of(
      Engine<?> engine,
      NearKeys keys,
      NearCache<?> near,
      ThreadFactory threads,
      long recheckMs,
      RateLimitedLog failures) {
    if (engine.client() instanceof RedisClusterClient cluster) {
      return new ClusterTracker(
          cluster, keys.prefix(), keys::nearKeyOf, near, threads, engine.tag(), recheckMs, failures);
    }
    return new Tracker(
        engine.subscriber(),
        ((RedisClient) engine.client()).getPool().getFactory(),
        keys.prefix(),
        keys::nearKeyOf,
        near,
        threads,
        engine.tag(),
        failures);
  }

  /** Starts keeping the stream up; the near cache goes live once it is. */
  void start();

  /** Stops, takes the near cache down and closes every connection. Idempotent. */
  void close();

  /** @return the last failure met while (re)establishing the stream, for diagnostics and tests */
  @Nullable Exception lastError();
}
