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
   * different Redis Cluster hash slots, so use it with a standalone Redis.
   *
   * @return the classic scheme
   */
  static KeyScheme classic() {
    return ClassicKeyScheme.INSTANCE;
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
