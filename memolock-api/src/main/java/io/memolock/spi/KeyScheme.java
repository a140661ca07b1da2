package io.memolock.spi;

/**
 * Names the Redis keys and channels of one resource. Implementations must be thread-safe and
 * deterministic: every process sharing a tag must use the same scheme.
 */
public interface KeyScheme {

  /**
   * @param tag the resource tag
   * @param id the resource id (any non-empty well-formed Unicode text)
   * @return the names for this resource
   */
  Keys keys(String tag, String id);

  /**
   * The value key alone: all that a cache hit needs, so the hit path builds no other name. The
   * default takes it from {@link #keys}; an implementation may compute it directly, but must return
   * exactly {@code keys(tag, id).value()} (MemoLock checks this on every miss).
   *
   * @param tag the resource tag
   * @param id the resource id
   * @return the key holding the value
   */
  default String valueKey(String tag, String id) {
    return keys(tag, id).value();
  }

  /**
   * The layout of the original Go and C# implementations: value {@code T:I}, lock {@code
   * T/lock:I}, notification channel {@code T/notif:I}; plus MemoLock's failure channel and key
   * {@code T/fail:I} (failures and cached absences), which classic clients never read or listen
   * to. Its names for one resource fall in
   * different Redis Cluster hash slots, so use it with a standalone Redis; a MemoLock refuses it
   * on a {@code RedisClusterClient}.
   *
   * @return the classic scheme
   */
  static KeyScheme classic() {
    return ClassicKeyScheme.INSTANCE;
  }

  /**
   * The layout for Redis Cluster, the default on a {@code RedisClusterClient}: every name of a
   * resource holds the same hash tag, so its value, lock, failure key and notification channel fall
   * in one hash slot (one script can use them all, and one shard carries its notifications). For
   * tag {@code T} and id {@code I}: value {@code {T:I'}}, lock {@code {T:I'}/lock}, notification
   * channel {@code {T:I'}/notif}, failure key and channel {@code {T:I'}/fail}, where {@code I'} is
   * {@code I} with each {@code %} written {@code %25} and each {@code }} written {@code %7D} (so no
   * {@code }} of an id can end the hash tag early, and no two ids share a name). Classic Go and C#
   * peers do not know these names; they need a standalone Redis and {@link #classic()}.
   *
   * @return the cluster scheme
   */
  static KeyScheme cluster() {
    return ClusterKeyScheme.INSTANCE;
  }

  /**
   * The names of one resource.
   *
   * @param value the key holding the value
   * @param lock the key holding the lock token
   * @param notification the channel on which values are announced (payload defined by the storage)
   * @param failure the channel on which failures and absences are announced, and the key that
   *     remembers one (a failure, when the MemoLock remembers failures, or an absence computed with
   *     {@link io.memolock.Computed#absent()}, for its time to live)
   */
  record Keys(String value, String lock, String notification, String failure) {}
}
