package io.memolock.internal;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * What every MemoLock on one Redis client shares: the subscriber connection(s) and the bound on
 * concurrent commands. Reference-counted; the last MemoLock to close closes the subscriber.
 * Thread-safe.
 */
final class SharedClient {
  private static final ReentrantLock REGISTRY_LOCK = new ReentrantLock();
  private static final Map<UnifiedJedis, SharedClient> REGISTRY = new IdentityHashMap<>();

  final UnifiedJedis redis;
  /** The Pub/Sub connection of a standalone client; null on a cluster client. */
  final @Nullable Subscriber subscriber;
  /** Where protocols listen: {@link #subscriber}, or a cluster client's {@link ShardedSubscriber}. */
  final Channels channels;
  final Semaphore permits;
  /** Holds callers' timeouts while their own threads run commands. */
  final CallerDeadlines deadlines = new CallerDeadlines();
  private int references;

  private SharedClient(UnifiedJedis redis, int permits) {
    this.redis = redis;
    this.permits = new Semaphore(permits, true);
    this.subscriber = redis instanceof RedisClusterClient ? null : new Subscriber(redis);
    this.channels =
        redis instanceof RedisClusterClient cluster
            ? new ShardedSubscriber(cluster)
            : Objects.requireNonNull(subscriber);
  }

  static SharedClient acquire(UnifiedJedis redis, int maxConcurrentCommands) {
    REGISTRY_LOCK.lock();
    try {
      SharedClient shared = REGISTRY.get(redis);
      if (shared == null) {
        shared =
            new SharedClient(
                redis,
                maxConcurrentCommands > 0 ? maxConcurrentCommands : defaultPermits(redis));
        REGISTRY.put(redis, shared);
      }
      shared.references++;
      return shared;
    } finally {
      REGISTRY_LOCK.unlock();
    }
  }

  void release() {
    boolean last;
    REGISTRY_LOCK.lock();
    try {
      last = --references == 0;
      if (last) {
        REGISTRY.remove(redis, this);
      }
    } finally {
      REGISTRY_LOCK.unlock();
    }
    if (last) {
      channels.close();
      deadlines.close();
    }
  }

  /**
   * The pool size (the subscriber's connection is not the pool's), so commands never queue inside
   * the pool.
   */
  private static int defaultPermits(UnifiedJedis redis) {
    if (redis instanceof RedisClient client) {
      int max = client.getPool().getMaxTotal();
      return max <= 0 ? 64 : max;
    }
    return 8;
  }
}
