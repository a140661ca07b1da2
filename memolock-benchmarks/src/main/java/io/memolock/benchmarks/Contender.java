package io.memolock.benchmarks;

import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.redis.strings.StringStorage;
import io.memolock.spi.Codec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import io.memolock.spi.KeyScheme;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * The three ways of serving "get the value of id, computing it on a miss" that the load runner
 * compares, each on its own default-configured client per instance (a {@link RedisClient}, or a
 * {@code RedisClusterClient} on a cluster).
 *
 * <p>The two baselines guard their client with a fair semaphore of as many permits as the pool has
 * connections, so their virtual threads never queue inside commons-pool2 (where they can starve,
 * jedis #3927); MemoLock does the same by itself, with as many permits (its subscriber's connection
 * is outside the pool). Values are read and written as strict UTF-8 bytes by all three.
 */
enum Contender {
  /** MemoLock: one computation per key, waiters woken by Pub/Sub, in-JVM coalescing. */
  MEMOLOCK("MemoLock"),
  /** GET; on a miss compute and SET. No lock: every concurrent miss computes. */
  CACHE_ASIDE("cache-aside"),
  /**
   * GET; on a miss SET lock NX PX, re-check, compute, SET, DEL lock; a caller that does not get
   * the lock polls GET every 10 ms (and retries the lock after a lock timeout without a value).
   */
  LOCK_AND_POLL("lock-and-poll");

  static final Duration VALUE_TTL = Duration.ofMinutes(10);
  static final Duration LOCK_TIMEOUT = Duration.ofSeconds(10);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  static final long POLL_MILLIS = 10;

  final String label;

  Contender(String label) {
    this.label = label;
  }

  /** One service instance's way of getting a value. Thread-safe. */
  interface Service extends AutoCloseable {
    /**
     * @param id the resource id
     * @param compute computes the value on a miss
     * @return the value
     * @throws Exception when the request fails
     */
    String get(String id, Callable<String> compute) throws Exception;

    /** @return this instance's MemoLock metrics, or null for a baseline */
    default io.memolock.Metrics metrics() {
      return null;
    }

    /** @return reads this instance served in batches (MemoLock only) */
    default long batchedReads() {
      return 0;
    }

    /** @return notifications this instance's subscriber received (MemoLock only) */
    default long notificationsReceived() {
      return 0;
    }

    /** @return notifications it received on channels it had no waiter for (MemoLock only) */
    default long strayNotifications() {
      return 0;
    }

    @Override
    void close();
  }

  /**
   * @param client this instance's Redis client (owned by the caller)
   * @param tag the key prefix of this run
   * @return a new service instance
   */
  Service open(UnifiedJedis client, String tag) {
    return open(client, tag, true);
  }

  /**
   * @param tag the key prefix of a run
   * @param id an id
   * @param cluster whether the client is a cluster client
   * @return the Redis key this contender reads the id's value from (UTF-8 bytes in all three)
   */
  String valueKey(String tag, String id, boolean cluster) {
    return this == MEMOLOCK && cluster ? KeyScheme.cluster().valueKey(tag, id) : tag + ":" + id;
  }

  /**
   * @param client this instance's Redis client (owned by the caller)
   * @param tag the key prefix of this run
   * @param autoRenew MemoLock's automatic lease renewal (a diagnostic switch; on by default)
   * @return a new service instance
   */
  Service open(UnifiedJedis client, String tag, boolean autoRenew) {
    return switch (this) {
      case MEMOLOCK -> new MemoLockService(client, tag, autoRenew);
      case CACHE_ASIDE -> new CacheAside(client, tag);
      case LOCK_AND_POLL -> new LockAndPoll(client, tag);
    };
  }

  private static final class MemoLockService implements Service {
    private final MemoLock<String> lock;

    MemoLockService(UnifiedJedis client, String tag, boolean autoRenew) {
      this.lock =
          MemoLock.builder(client, StringStorage.utf8())
              .tag(tag)
              .lockTimeout(LOCK_TIMEOUT)
              .autoRenew(autoRenew)
              .build();
    }

    @Override
    public String get(String id, Callable<String> compute) {
      return lock.get(id, REQUEST_TIMEOUT, lease -> Computed.of(compute.call(), VALUE_TTL));
    }

    @Override
    public io.memolock.Metrics metrics() {
      return lock.metrics();
    }

    @Override
    public long batchedReads() {
      return lock instanceof io.memolock.internal.Engine<?> engine ? engine.batchedReads() : 0;
    }

    @Override
    public long notificationsReceived() {
      return lock instanceof io.memolock.internal.Engine<?> e ? e.notificationsReceived() : 0;
    }

    @Override
    public long strayNotifications() {
      return lock instanceof io.memolock.internal.Engine<?> e ? e.strayNotifications() : 0;
    }

    @Override
    public void close() {
      lock.close();
    }
  }

  /** The common part of the baselines: guarded commands and the same codec as MemoLock. */
  private abstract static class Baseline implements Service {
    final UnifiedJedis client;
    final String tag;
    final Semaphore permits;
    final Codec<String> codec = Codec.utf8();

    Baseline(UnifiedJedis client, String tag) {
      this.client = client;
      this.tag = tag;
      // A cluster client has a pool per node; its MemoLock has one set of 8 permits, so 8 here too.
      int max = client instanceof RedisClient standalone ? standalone.getPool().getMaxTotal() : 8;
      this.permits = new Semaphore(max <= 0 ? 64 : max, true);
    }

    <T> T call(Callable<T> command) throws Exception {
      permits.acquire();
      try {
        return command.call();
      } finally {
        permits.release();
      }
    }

    byte[] key(String prefix, String id) {
      return (prefix + id).getBytes(StandardCharsets.UTF_8);
    }

    String read(byte[] key) throws Exception {
      byte[] bytes = call(() -> client.get(key));
      return bytes == null ? null : codec.decode(bytes);
    }

    void write(byte[] key, String value) throws Exception {
      byte[] bytes = codec.encode(value);
      call(() -> client.set(key, bytes, SetParams.setParams().px(VALUE_TTL.toMillis())));
    }

    @Override
    public void close() {}
  }

  private static final class CacheAside extends Baseline {
    CacheAside(UnifiedJedis client, String tag) {
      super(client, tag);
    }

    @Override
    public String get(String id, Callable<String> compute) throws Exception {
      byte[] key = key(tag + ":", id);
      String value = read(key);
      if (value != null) {
        return value;
      }
      value = compute.call();
      write(key, value);
      return value;
    }
  }

  private static final class LockAndPoll extends Baseline {
    LockAndPoll(UnifiedJedis client, String tag) {
      super(client, tag);
    }

    @Override
    public String get(String id, Callable<String> compute) throws Exception {
      byte[] key = key(tag + ":", id);
      String value = read(key);
      if (value != null) {
        return value;
      }
      byte[] lockKey = key(tag + "/lock:", id);
      byte[] token = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
      long deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
      while (true) {
        String ok =
            call(
                () ->
                    client.set(
                        lockKey, token, SetParams.setParams().nx().px(LOCK_TIMEOUT.toMillis())));
        if ("OK".equals(ok)) {
          try {
            value = read(key); // double check: the holder may have finished meanwhile
            if (value == null) {
              value = compute.call();
              write(key, value);
            }
            return value;
          } finally {
            call(() -> client.del(lockKey));
          }
        }
        // Someone else computes: poll GET until the value appears. After a lock timeout without a
        // value (a vanished holder) try to take the lock again.
        long retakeAt = System.nanoTime() + LOCK_TIMEOUT.toNanos();
        while (System.nanoTime() - retakeAt < 0) {
          if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException("lock-and-poll timed out on " + tag + ":" + id);
          }
          Thread.sleep(POLL_MILLIS);
          value = read(key);
          if (value != null) {
            return value;
          }
        }
      }
    }
  }
}
