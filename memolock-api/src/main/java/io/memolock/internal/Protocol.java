package io.memolock.internal;

import io.memolock.spi.Storage;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The locking and notification protocol: how one resource's value, lock, failure key and channels
 * are read and written in Redis, with typed results. Everything here is one atomic step on the
 * server (a script or a single command); the {@link Flight} decides what to do with the results,
 * and {@link Commands} runs each call (permits, retry, error translation), so an implementation
 * only speaks the wire.
 *
 * <p>{@link ClassicProtocol} is the protocol of the original Go and C# implementations plus this
 * library's failure channel; a sharded-Pub/Sub protocol for Redis Cluster implements the same
 * interface. It is internal, not an SPI, on purpose: every guarantee in the README (one holder per
 * lock, owner-checked renewal and release, a store that is atomic with its notification and never
 * overwrites a fresher value) rests on the exact scripts, and a protocol only interoperates with
 * the peers that speak it, so a user-supplied one could silently break both. Users choose the
 * layout through {@link io.memolock.spi.KeyScheme} and the value format through {@link Storage}.
 *
 * <p>Implementations are thread-safe and hold no per-resource state.
 */
interface Protocol {

  /** What {@link #acquire} found. */
  sealed interface Acquisition permits ValueExists, Remembered, Acquired, Locked {}

  /** The value exists: read it. */
  record ValueExists() implements Acquisition {}

  /** A remembered failure or a cached absence is in the failure key. */
  record Remembered(Outcome outcome) implements Acquisition {}

  /** The lock is ours now, with the given token. */
  record Acquired() implements Acquisition {}

  /**
   * Another holder has the lock.
   *
   * @param pttlMillis the lock's remaining time to live; negative if it has none
   */
  record Locked(long pttlMillis) implements Acquisition {}

  /** A computation's end other than a value, as the failure key and channel carry it. */
  sealed interface Outcome permits Absent, Failed {}

  /** The resource does not exist (a cached absence). */
  record Absent() implements Outcome {}

  /**
   * A computation failed.
   *
   * @param className the class of its throwable
   * @param message its message, if any
   */
  record Failed(String className, @Nullable String message) implements Outcome {}

  /** What a message on one of a resource's channels means. */
  sealed interface Signal permits ValueSignal, OutcomeSignal {}

  /**
   * The notification: a value was stored.
   *
   * @param payload what the storage published (see {@link Storage#fromNotification})
   */
  record ValueSignal(byte[] payload) implements Signal {}

  /** A failure or an absence was announced. */
  record OutcomeSignal(Outcome outcome) implements Signal {}

  /**
   * Reads the state and takes the lock if nobody has it: value exists | remembered outcome |
   * acquired | locked.
   *
   * @throws redis.clients.jedis.exceptions.JedisDataException ({@code WRONGTYPE}) if the lock or
   *     failure key holds another type than a string
   */
  Acquisition acquire(ResourceKeys keys, byte[] token);

  /**
   * The waiter's re-check once it listens, without blocking the calling thread (a subscriber's
   * callback): what {@link #acquire} would find, except that it takes nothing. It completes with
   * {@link ValueExists}, {@link Remembered} or {@link Locked} (a positive TTL), or with null when
   * the waiter must {@link #acquire} the blocking way: the lock is free or has no TTL (a lock key of
   * another type is reported there), or the check failed (there it fails again with its cause, or
   * succeeds). Never completes exceptionally.
   *
   * @return the answer's future, or null when this protocol cannot check so
   */
  default @Nullable CompletableFuture<@Nullable Acquisition> recheck(ResourceKeys keys) {
    return null;
  }

  /**
   * Takes the lock for an early recomputation although the value exists, but only while the value
   * expires within {@code expiresWithinMillis}.
   *
   * @return whether the lock was taken
   */
  boolean refresh(ResourceKeys keys, byte[] token, long expiresWithinMillis);

  /** @return whether the lock was still ours and now lives {@code millis} more */
  boolean renew(ResourceKeys keys, byte[] token, long millis);

  /** @return whether the lock was ours and is deleted */
  boolean release(ResourceKeys keys, byte[] token);

  /**
   * Stores a value with its TTL, announces it and releases our lock, atomically: only if the lock
   * is still ours, or free while no value or absence exists (a late holder never overwrites a
   * fresher value). An empty token is a producer's put: no owner check, the lock untouched.
   *
   * @return whether it was stored
   */
  boolean store(ResourceKeys keys, byte[] token, Storage.Write write, long ttlMillis);

  /** Like {@link #store}, for an absence: deletes the value and keeps the absence for the TTL. */
  boolean storeAbsence(ResourceKeys keys, byte[] token, long ttlMillis);

  /**
   * Releases our lock and announces a failure (remembering it for {@code failureTtlMillis} if
   * positive); does nothing if another holder owns the lock.
   *
   * @return whether it was announced
   */
  boolean fail(ResourceKeys keys, byte[] token, Failed failure, long failureTtlMillis);

  /** Deletes the value and any remembered outcome; the lock is left alone. */
  void invalidate(ResourceKeys keys);

  /**
   * Starts hearing the resource's notifications and outcomes.
   *
   * @return completes once messages published from now on are delivered
   */
  CompletableFuture<Void> listen(ResourceKeys keys, ChannelListener listener);

  /** @return whether {@link #listen} would very likely be ready at once (a hint; see Channels) */
  default boolean heardAtOnce(ResourceKeys keys) {
    return false;
  }

  /** Stops hearing them. */
  void unlisten(ResourceKeys keys, ChannelListener listener);

  /**
   * @param channel a channel a listener of {@code keys} heard
   * @param payload the message
   * @return what it means
   */
  Signal classify(ResourceKeys keys, String channel, byte[] payload);

  /** @return the errors of the subscriber connection(s) so far */
  long subscriberErrors();
}
