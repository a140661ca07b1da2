package io.memolock;

import io.memolock.internal.Durations;
import io.memolock.internal.Engine;
import io.memolock.internal.Settings;
import io.memolock.spi.KeyScheme;
import io.memolock.spi.Storage;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Builds a {@link MemoLock}. Each option is validated when set and may be set once. Not
 * thread-safe; use one builder per thread.
 *
 * @param <V> the value type
 */
public final class MemoLockBuilder<V> {
  private final UnifiedJedis redis;
  private final Storage<V> storage;
  private @Nullable String tag;
  private @Nullable Duration lockTimeout;
  private @Nullable Duration defaultTtl;
  private @Nullable KeyScheme keyScheme;
  private @Nullable Boolean autoRenew;
  private @Nullable FailurePolicy failurePolicy;
  private @Nullable Duration failureTtl;
  private int maxConcurrentCommands;
  private @Nullable ThreadFactory threadFactory;
  private @Nullable Boolean batchReads;

  MemoLockBuilder(UnifiedJedis redis, Storage<V> storage) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.storage = Objects.requireNonNull(storage, "storage");
  }

  /**
   * The resource tag: the prefix of every key, e.g. {@code "query"}. Required.
   *
   * <p>Under the classic key scheme the tag is followed by {@code ':'} (the value key {@code
   * T:I}) or by {@code '/'} (the lock {@code T/lock:I}, the channel {@code T/notif:I}, the failure
   * key {@code T/fail:I}). A tag holding either character could name another tag's keys (tag
   * {@code a/lock} would read tag {@code a}'s locks as values, tag {@code a:b} with id {@code c}
   * would be tag {@code a} with id {@code b:c}), so both are refused; so are {@code '{'} and
   * {@code '}'} (Redis Cluster hash tags), control characters (newlines included) and unpaired
   * surrogates. Any other Unicode text is a tag; ids have no such limits.
   *
   * @param tag non-empty, without {@code : / { }}, control characters or unpaired surrogates
   * @return this builder
   * @throws IllegalArgumentException if the tag breaks these rules; the message says which
   */
  public MemoLockBuilder<V> tag(String tag) {
    requireUnset(this.tag, "tag");
    Objects.requireNonNull(tag, "tag");
    if (tag.isEmpty()) {
      throw new IllegalArgumentException("tag must not be empty");
    }
    for (int i = 0; i < tag.length(); i++) {
      char c = tag.charAt(i);
      String why = null;
      if (c == ':' || c == '/') {
        why =
            "':' and '/' separate a tag from the id and from the key's role (lock, notif, fail),"
                + " so such a tag could name another tag's keys";
      } else if (c == '{' || c == '}') {
        why = "'{' and '}' are reserved for Redis Cluster hash tags";
      } else if (Character.isISOControl(c)) {
        why = "control characters (newlines included) are not allowed";
      } else if (Character.isHighSurrogate(c)
          && i + 1 < tag.length()
          && Character.isLowSurrogate(tag.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        why = "it must be well-formed Unicode (unpaired surrogate)";
      }
      if (why != null) {
        throw new IllegalArgumentException(
            "tag '" + tag + "' is refused at index " + i + ": " + why);
      }
    }
    this.tag = tag;
    return this;
  }

  /**
   * How long a lock lives unless renewed; bounds how long a crashed holder delays everyone.
   * Default 5 s.
   *
   * @param lockTimeout at least 10 ms, at most {@link Computed#MAX_TTL}
   * @return this builder
   */
  public MemoLockBuilder<V> lockTimeout(Duration lockTimeout) {
    requireUnset(this.lockTimeout, "lockTimeout");
    this.lockTimeout = atLeast(lockTimeout, 10, "lockTimeout");
    return this;
  }

  /**
   * The time to live of a value whose computation does not choose one. Default 5 minutes.
   *
   * @param ttl at least 1 ms, at most {@link Computed#MAX_TTL}
   * @return this builder
   */
  public MemoLockBuilder<V> defaultTtl(Duration ttl) {
    requireUnset(this.defaultTtl, "defaultTtl");
    this.defaultTtl = atLeast(ttl, 1, "defaultTtl");
    return this;
  }

  /**
   * How keys and channels are named. Default {@link KeyScheme#classic()}, the layout of the
   * original Go and C# implementations, on a standalone client, and {@link KeyScheme#cluster()}
   * on a {@code RedisClusterClient}, where {@link #build()} refuses the classic scheme (its names
   * of one resource fall in different hash slots).
   *
   * @param keyScheme the scheme
   * @return this builder
   */
  public MemoLockBuilder<V> keyScheme(KeyScheme keyScheme) {
    requireUnset(this.keyScheme, "keyScheme");
    this.keyScheme = Objects.requireNonNull(keyScheme, "keyScheme");
    return this;
  }

  /**
   * Whether the lock is extended automatically (every third of the lock timeout) while a
   * computation runs. Default {@code true}.
   *
   * @param autoRenew on or off
   * @return this builder
   */
  public MemoLockBuilder<V> autoRenew(boolean autoRenew) {
    requireUnset(this.autoRenew, "autoRenew");
    this.autoRenew = autoRenew;
    return this;
  }

  /**
   * What waiters do when a computation fails. Default {@link FailurePolicy#PROPAGATE}.
   *
   * @param policy the policy
   * @return this builder
   */
  public MemoLockBuilder<V> failurePolicy(FailurePolicy policy) {
    requireUnset(this.failurePolicy, "failurePolicy");
    this.failurePolicy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /**
   * Remember a failure in Redis for {@code ttl}, so that requests within that time fail at once
   * instead of hammering a failing backend. Default: failures are not remembered.
   *
   * @param ttl at least 1 ms, at most {@link Computed#MAX_TTL}
   * @return this builder
   */
  public MemoLockBuilder<V> failureTtl(Duration ttl) {
    requireUnset(this.failureTtl, "failureTtl");
    this.failureTtl = atLeast(ttl, 1, "failureTtl");
    return this;
  }

  /**
   * The most Redis commands this MemoLock's client runs at once for all MemoLocks sharing it (the
   * first MemoLock built on a client decides); on a {@code RedisClusterClient}, the most per
   * primary, so that a stalled node holds up only its own commands. Keeps callers out of the
   * connection pool's wait queue, where virtual threads can starve. A batch of reads or a pipeline
   * of commands counts once. Default: the pool size of a {@code RedisClient} (the shared subscriber
   * has a connection of its own, outside the pool), the node's pool size on a cluster client.
   *
   * @param max at least 1
   * @return this builder
   */
  public MemoLockBuilder<V> maxConcurrentCommands(int max) {
    if (this.maxConcurrentCommands != 0) {
      throw new IllegalStateException("maxConcurrentCommands was already set");
    }
    if (max < 1) {
      throw new IllegalArgumentException("maxConcurrentCommands must be at least 1, was " + max);
    }
    this.maxConcurrentCommands = max;
    return this;
  }

  /**
   * Whether concurrent commands of different ids share round trips. Default {@code true}: a first
   * read that arrives while two batches of this MemoLock are in flight waits for one of them to
   * return and goes with the next, up to 64 reads in one {@code MGET} (storages that read in
   * batches, such as Strings, on a standalone {@code RedisClient}); the scripts of the miss path
   * (acquire, store, release, renew, announce a failure) of concurrent callers are pipelined on
   * one connection in the same way, as are the reads of storages that do not read in batches (Hash,
   * Sorted Set) and a cluster client's reads, per primary. A lone command goes out at once. Errors, timeouts and interrupts are each caller's own either way.
   *
   * @param batchReads on or off
   * @return this builder
   */
  public MemoLockBuilder<V> batchReads(boolean batchReads) {
    requireUnset(this.batchReads, "batchReads");
    this.batchReads = batchReads;
    return this;
  }

  /**
   * Makes the threads that run computations, waits and lease renewals. Default: virtual threads.
   *
   * @param threadFactory the factory
   * @return this builder
   */
  public MemoLockBuilder<V> threadFactory(ThreadFactory threadFactory) {
    requireUnset(this.threadFactory, "threadFactory");
    this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
    return this;
  }

  /**
   * @return a new MemoLock
   * @throws IllegalStateException if no tag was set, the classic key scheme was chosen for a
   *     {@code RedisClusterClient}, or the Redis server is older than this configuration needs
   *     (see the README's supported versions)
   */
  public MemoLock<V> build() {
    if (tag == null) {
      throw new IllegalStateException("tag is required");
    }
    boolean cluster = redis instanceof RedisClusterClient;
    if (cluster && keyScheme == KeyScheme.classic()) {
      throw new IllegalStateException(
          "KeyScheme.classic() cannot run on a RedisClusterClient: it puts a resource's value,"
              + " lock and failure key in different hash slots, which one script cannot use"
              + " together; use KeyScheme.cluster() (the default on a cluster client). Classic Go"
              + " and C# peers speak only the classic layout, so they need a standalone Redis");
    }
    // Sharded Pub/Sub (a cluster client) needs Redis 7.0; classic Pub/Sub runs on 6.2.
    ServerVersionCheck.check(redis, tag, cluster);
    Settings settings =
        new Settings(
            tag,
            lockTimeout != null ? lockTimeout : Duration.ofSeconds(5),
            defaultTtl != null ? defaultTtl : Duration.ofMinutes(5),
            keyScheme != null
                ? keyScheme
                : cluster ? KeyScheme.cluster() : KeyScheme.classic(),
            autoRenew == null || autoRenew,
            failurePolicy != null ? failurePolicy : FailurePolicy.PROPAGATE,
            failureTtl,
            maxConcurrentCommands,
            threadFactory != null
                ? threadFactory
                : Thread.ofVirtual().name("memolock-" + tag).factory(),
            batchReads == null || batchReads);
    return new Engine<>(redis, storage, settings);
  }

  private static void requireUnset(@Nullable Object value, String name) {
    if (value != null) {
      throw new IllegalStateException(name + " was already set");
    }
  }

  private static Duration atLeast(Duration d, long millis, String name) {
    return Durations.check(d, millis, name);
  }
}
