package io.memolock.internal;

import io.memolock.spi.Storage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;

/**
 * The protocol of the original Go and C# MemoLocks, byte for byte, plus the failure channel and key
 * that classic peers never look at (see the README's layout table and {@link Scripts}): the value
 * at {@code T:I}, the lock at {@code T/lock:I} ({@code SET NX PX} with a UUID token), the
 * notification on {@code T/notif:I} carrying the value, failures and absences on {@code T/fail:I}
 * ({@code <class>\n<message>}, or {@code \0absent}). Channels are heard through the client's one
 * shared {@link Subscriber} ({@code SUBSCRIBE}). Thread-safe.
 */
final class ClassicProtocol implements Protocol {
  /**
   * What the failure key holds, and the failure channel carries, for a resource cached as absent.
   * A failure's payload is a class name, which never starts with NUL.
   */
  private static final byte[] ABSENT_PAYLOAD = Bytes.utf8("\0absent");

  private final UnifiedJedis redis;
  private final Channels subscriber;
  private final Scripts.Script storeScript;
  private final Scripts.Script failScript;
  private final Scripts.Script absentScript;
  private final byte[] lockTimeoutMs;

  ClassicProtocol(
      UnifiedJedis redis, Subscriber subscriber, String storageWriteFragment, long lockTimeoutMs) {
    this(redis, subscriber, false, storageWriteFragment, lockTimeoutMs);
  }

  /**
   * @param sharded whether announcements use {@code SPUBLISH} (see {@link ShardedProtocol})
   *     rather than {@code PUBLISH}
   */
  ClassicProtocol(
      UnifiedJedis redis,
      Channels subscriber,
      boolean sharded,
      String storageWriteFragment,
      long lockTimeoutMs) {
    this.redis = redis;
    this.subscriber = subscriber;
    Scripts.Script store = Scripts.store(storageWriteFragment);
    this.storeScript = sharded ? store.sharded() : store;
    this.failScript = sharded ? Scripts.FAIL.sharded() : Scripts.FAIL;
    this.absentScript = sharded ? Scripts.ABSENT.sharded() : Scripts.ABSENT;
    this.lockTimeoutMs = Bytes.ascii(lockTimeoutMs);
  }

  private ClassicProtocol(ClassicProtocol scripts, UnifiedJedis redis) {
    this.redis = redis;
    this.subscriber = scripts.subscriber;
    this.storeScript = scripts.storeScript;
    this.failScript = scripts.failScript;
    this.absentScript = scripts.absentScript;
    this.lockTimeoutMs = scripts.lockTimeoutMs;
  }

  /**
   * @param other another client (one node's connection, see {@link SlotOwnerRoute})
   * @return the same protocol, its scripts run through the other client
   */
  ClassicProtocol through(UnifiedJedis other) {
    return new ClassicProtocol(this, other);
  }

  @Override
  public Acquisition acquire(ResourceKeys keys, byte[] token) {
    List<?> r = (List<?>) Scripts.ACQUIRE.run(redis, keys.all(), List.of(token, lockTimeoutMs));
    long kind = (Long) r.get(0);
    if (kind == 1) {
      return new ValueExists();
    }
    if (kind == 2) {
      return new Remembered(outcome((byte[]) r.get(1)));
    }
    if (kind == 0) {
      return new Acquired();
    }
    return new Locked((Long) r.get(1));
  }

  @Override
  public @Nullable CompletableFuture<@Nullable Acquisition> recheck(ResourceKeys keys) {
    if (!(redis instanceof PipelinedJedis pipelined)) {
      return null;
    }
    CompletableFuture<Object> reply = Scripts.RECHECK.runLater(pipelined, keys.all(), List.of());
    // A failure is not lost: the waiter then acquires the blocking way, which reports it.
    return reply == null ? null : reply.handle((r, e) -> e == null ? rechecked(r) : null);
  }

  private static @Nullable Acquisition rechecked(Object reply) {
    if (!(reply instanceof List<?> r) || r.size() < 1 || !(r.get(0) instanceof Long kind)) {
      return null;
    }
    if (kind == 1) {
      return new ValueExists();
    }
    if (kind == 2 && r.size() == 2 && r.get(1) instanceof byte[] payload) {
      return new Remembered(outcome(payload));
    }
    return kind == 3 && r.size() == 2 && r.get(1) instanceof Long pttl && pttl > 0
        ? new Locked(pttl)
        : null;
  }

  @Override
  public boolean refresh(ResourceKeys keys, byte[] token, long expiresWithinMillis) {
    Object r =
        Scripts.REFRESH.run(
            redis,
            List.of(keys.value, keys.lock()),
            List.of(token, lockTimeoutMs, Bytes.ascii(Math.max(0, expiresWithinMillis))));
    return Long.valueOf(1).equals(r);
  }

  @Override
  public boolean renew(ResourceKeys keys, byte[] token, long millis) {
    Object r = Scripts.RENEW.run(redis, List.of(keys.lock()), List.of(token, Bytes.ascii(millis)));
    return Long.valueOf(1).equals(r);
  }

  @Override
  public boolean release(ResourceKeys keys, byte[] token) {
    return Long.valueOf(1).equals(Scripts.RELEASE.run(redis, List.of(keys.lock()), List.of(token)));
  }

  @Override
  public boolean store(ResourceKeys keys, byte[] token, Storage.Write write, long ttlMillis) {
    List<byte[]> args = new ArrayList<>(4 + write.args().size());
    args.add(token);
    args.add(Bytes.ascii(ttlMillis));
    args.add(Bytes.utf8(keys.names().notifyChannel()));
    args.add(write.payload());
    args.addAll(write.args());
    return Long.valueOf(1).equals(storeScript.run(redis, keys.all(), args));
  }

  @Override
  public boolean storeAbsence(ResourceKeys keys, byte[] token, long ttlMillis) {
    Object r =
        absentScript.run(
            redis,
            keys.all(),
            List.of(
                token,
                Bytes.ascii(ttlMillis),
                Bytes.utf8(keys.names().failureChannel()),
                ABSENT_PAYLOAD));
    return Long.valueOf(1).equals(r);
  }

  @Override
  public boolean fail(ResourceKeys keys, byte[] token, Failed failure, long failureTtlMillis) {
    String message = failure.message();
    byte[] payload = Bytes.utf8(failure.className() + (message == null ? "" : "\n" + message));
    Object r =
        failScript.run(
            redis,
            List.of(keys.lock(), keys.failure()),
            List.of(
                token,
                Bytes.utf8(keys.names().failureChannel()),
                payload,
                Bytes.ascii(Math.max(0, failureTtlMillis))));
    return Long.valueOf(1).equals(r);
  }

  @Override
  public void invalidate(ResourceKeys keys) {
    redis.del(keys.value, keys.failure());
  }

  @Override
  public CompletableFuture<Void> listen(ResourceKeys keys, ChannelListener listener) {
    return subscriber.listen(keys.names().channels(), listener);
  }

  @Override
  public boolean heardAtOnce(ResourceKeys keys) {
    return subscriber.heardAtOnce(keys.names().channels());
  }

  @Override
  public void unlisten(ResourceKeys keys, ChannelListener listener) {
    subscriber.unlisten(keys.names().channels(), listener);
  }

  @Override
  public Signal classify(ResourceKeys keys, String channel, byte[] payload) {
    return channel.equals(keys.names().notifyChannel())
        ? new ValueSignal(payload)
        : new OutcomeSignal(outcome(payload));
  }

  @Override
  public long subscriberErrors() {
    return subscriber.errors();
  }

  /** Reads a failure key's or failure channel's payload. */
  private static Outcome outcome(byte[] payload) {
    if (Arrays.equals(payload, ABSENT_PAYLOAD)) {
      return new Absent();
    }
    String text = new String(payload, StandardCharsets.UTF_8);
    int nl = text.indexOf('\n');
    return nl < 0
        ? new Failed(text, null)
        : new Failed(text.substring(0, nl), text.substring(nl + 1));
  }
}
