package io.memolock.internal;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * What every MemoLock on one Redis client shares: the subscriber connection(s), the bound on
 * concurrent commands (one set of permits on a standalone client, one per primary on a cluster
 * client, so that a slow node never holds the permits of the others) and the command pipelines
 * ({@link PipelinedJedis}). Reference-counted; the last MemoLock to close closes the subscriber.
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
  /** The permits of a standalone client; on a cluster, of commands whose node is not known. */
  final Semaphore permits;
  /** A cluster client's permits per primary (see {@link #permits(HostAndPort)}). */
  private final ConcurrentHashMap<HostAndPort, Semaphore> nodePermits = new ConcurrentHashMap<>();
  private final int permitsPerNode;
  /** A cluster client's slot owners, for permits and pipelines per node; null on a standalone. */
  final @Nullable ClusterSlots slots;
  /** See {@link #pipelines}; guarded by the registry lock. */
  private @Nullable PipelinedJedis pipelined;

  private boolean pipelinesTried;
  /** Holds callers' timeouts while their own threads run commands. */
  final CallerDeadlines deadlines = new CallerDeadlines();
  private int references;
  /** The configured bound, 0 for the default (set once, under the registry lock). */
  private int configuredPermits;

  private SharedClient(UnifiedJedis redis, int permits) {
    this.redis = redis;
    this.permits = new Semaphore(permits, true);
    this.permitsPerNode = permits;
    this.slots = redis instanceof RedisClusterClient cluster ? new ClusterSlots(cluster) : null;
    this.subscriber = redis instanceof RedisClusterClient ? null : new Subscriber(redis, ChannelPatterns.COVER_AT);
    this.channels =
        redis instanceof RedisClusterClient cluster
            ? new ShardedSubscriber(cluster, Objects.requireNonNull(slots))
            : Objects.requireNonNull(subscriber);
  }

  /**
   * @param node a cluster's primary
   * @return the bound on concurrent commands to that node (its pool's size, or the configured
   *     bound), made on first use
   */
  Semaphore permits(HostAndPort node) {
    return nodePermits.computeIfAbsent(node, n -> new Semaphore(nodeSize(n), true));
  }

  private int nodeSize(HostAndPort node) {
    if (configuredPermits > 0) {
      return configuredPermits;
    }
    if (redis instanceof RedisClusterClient cluster) {
      ConnectionPool pool = cluster.getClusterNodes().get(node.toString());
      int max = pool == null ? 0 : pool.getMaxTotal();
      return max > 0 ? max : 8;
    }
    return permitsPerNode;
  }

  /**
   * The permits of the node that serves a key: on a standalone client {@link #permits}; on a
   * cluster client those of the key's primary as {@link #slots} last loaded it.
   */
  Semaphore permitsFor(byte[] key) {
    ClusterSlots s = slots;
    if (s == null) {
      return permits;
    }
    HostAndPort owner;
    try {
      owner = s.owner(JedisClusterCRC16.getSlot(key));
    } catch (JedisException e) {
      owner = null; // no node answers: the command itself reports the outage (and counts it)
    }
    return owner == null ? permits : permits(owner);
  }

  /**
   * @param threads makes the pipelines' hand-over threads
   * @return the client's commands through pipelines, set up on first use; null if they cannot be
   *     (see {@link PipelinedJedis#over})
   */
  @Nullable PipelinedJedis pipelines(ThreadFactory threads) {
    REGISTRY_LOCK.lock();
    try {
      if (!pipelinesTried) {
        pipelinesTried = true;
        pipelined = PipelinedJedis.over(redis, this, threads::newThread);
      }
      return pipelined;
    } finally {
      REGISTRY_LOCK.unlock();
    }
  }

  /**
   * @param maxConcurrentCommands the configured bound (per node on a cluster), 0 for the default
   */
  static SharedClient acquire(UnifiedJedis redis, int maxConcurrentCommands) {
    REGISTRY_LOCK.lock();
    try {
      SharedClient shared = REGISTRY.get(redis);
      if (shared == null) {
        shared =
            new SharedClient(
                redis,
                maxConcurrentCommands > 0 ? maxConcurrentCommands : defaultPermits(redis));
        shared.configuredPermits = maxConcurrentCommands;
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
