package io.memolock.internal;

import io.memolock.spi.Storage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The protocol on a Redis Cluster: the classic protocol's scripts and results (acquire, refresh,
 * renew, release, store, absence, failure; see {@link ClassicProtocol} and {@link Scripts}), with
 * two differences. Announcements use {@code SPUBLISH} instead of {@code PUBLISH}: a classic publish
 * on a cluster is broadcast to every node over the cluster bus, a sharded one reaches only the
 * shard that serves the channel's slot, which the cluster key scheme makes the slot of the
 * resource's keys. And channels are heard through the client's {@link ShardedSubscriber} ({@code
 * SSUBSCRIBE} on the slot's primary), which follows the slot across failovers and migrations.
 * The holder's owner-checked scripts (renew, release, store, absence, failure) run on the slot's
 * primary through a {@link SlotOwnerRoute}, which fails fast on a dead node instead of sitting in
 * the cluster client's retry backoff past the holder's lease.
 *
 * <p>A sharded message is never heard by a plain {@code SUBSCRIBE}r, nor a classic one by an
 * {@code SSUBSCRIBE}r: every process on one cluster must speak this protocol (every MemoLock on a
 * {@code RedisClusterClient} does). Thread-safe; holds no per-resource state.
 */
final class ShardedProtocol implements Protocol {
  private final ClassicProtocol scripts;
  private final Channels subscriber;
  private final @Nullable SlotOwnerRoute holderRoute;

  /**
   * @param commands where the scripts other than the holder's go: the cluster client, or its
   *     command pipelines when batching is on
   * @param cluster the cluster client itself, whose slot owners the holder's scripts go to (never
   *     through the pipelines: their fallback after a dead connection is the client's retries)
   * @param subscriber the client's sharded subscriber
   * @param permits each primary's bound on concurrent commands
   * @param storageWriteFragment the storage's write script fragment
   * @param lockTimeoutMs the lock timeout
   */
  ShardedProtocol(
      UnifiedJedis commands,
      RedisClusterClient cluster,
      Channels subscriber,
      Function<HostAndPort, Semaphore> permits,
      String storageWriteFragment,
      long lockTimeoutMs) {
    this.scripts =
        new ClassicProtocol(commands, subscriber, true, storageWriteFragment, lockTimeoutMs);
    this.subscriber = subscriber;
    this.holderRoute =
        subscriber instanceof ShardedSubscriber s ? new SlotOwnerRoute(cluster, s.slots(), permits) : null;
  }

  /**
   * Runs one of the holder's owner-checked scripts on the slot's primary directly (see {@link
   * SlotOwnerRoute} for why not through the cluster client's retries).
   */
  private <T> T asHolder(ResourceKeys keys, Function<ClassicProtocol, T> script) {
    SlotOwnerRoute route = holderRoute;
    if (route == null) {
      return script.apply(scripts);
    }
    return route.run(keys.value, node -> script.apply(scripts.through(node)));
  }

  @Override
  public Acquisition acquire(ResourceKeys keys, byte[] token) {
    return scripts.acquire(keys, token);
  }

  @Override
  public @Nullable CompletableFuture<@Nullable Acquisition> recheck(ResourceKeys keys) {
    return scripts.recheck(keys);
  }

  @Override
  public boolean refresh(ResourceKeys keys, byte[] token, long expiresWithinMillis) {
    return scripts.refresh(keys, token, expiresWithinMillis);
  }

  @Override
  public boolean renew(ResourceKeys keys, byte[] token, long millis) {
    return asHolder(keys, p -> p.renew(keys, token, millis));
  }

  @Override
  public boolean release(ResourceKeys keys, byte[] token) {
    return asHolder(keys, p -> p.release(keys, token));
  }

  @Override
  public boolean store(ResourceKeys keys, byte[] token, Storage.Write write, long ttlMillis) {
    return asHolder(keys, p -> p.store(keys, token, write, ttlMillis));
  }

  @Override
  public boolean storeAbsence(ResourceKeys keys, byte[] token, long ttlMillis) {
    return asHolder(keys, p -> p.storeAbsence(keys, token, ttlMillis));
  }

  @Override
  public boolean fail(ResourceKeys keys, byte[] token, Failed failure, long failureTtlMillis) {
    return asHolder(keys, p -> p.fail(keys, token, failure, failureTtlMillis));
  }

  @Override
  public void invalidate(ResourceKeys keys) {
    scripts.invalidate(keys); // one DEL: the value and failure key share a slot
  }

  @Override
  public CompletableFuture<Void> listen(ResourceKeys keys, ChannelListener listener) {
    return subscriber.listen(keys.names().channels(), listener);
  }

  @Override
  public void unlisten(ResourceKeys keys, ChannelListener listener) {
    subscriber.unlisten(keys.names().channels(), listener);
  }

  @Override
  public Signal classify(ResourceKeys keys, String channel, byte[] payload) {
    return scripts.classify(keys, channel, payload);
  }

  @Override
  public long subscriberErrors() {
    return subscriber.errors();
  }
}
