package io.memolock;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The result of a {@link Computation}: a value and the time it lives in Redis.
 *
 * @param <V> the value type
 */
public final class Computed<V> {
  private final V value;
  private final @Nullable Duration ttl;

  private Computed(V value, @Nullable Duration ttl) {
    this.value = value;
    this.ttl = ttl;
  }

  /**
   * A value that lives for the MemoLock's default TTL.
   *
   * @param value the value, not {@code null}
   * @param <V> the value type
   * @return the result
   * @throws NullPointerException if value is null
   */
  public static <V> Computed<V> of(V value) {
    return new Computed<>(Objects.requireNonNull(value, "value"), null);
  }

  /**
   * A value that lives for {@code ttl}.
   *
   * @param value the value, not {@code null}
   * @param ttl time to live in Redis, at least one millisecond
   * @param <V> the value type
   * @return the result
   * @throws NullPointerException if value or ttl is null
   * @throws IllegalArgumentException if ttl is shorter than one millisecond
   */
  public static <V> Computed<V> of(V value, Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.toMillis() < 1) {
      throw new IllegalArgumentException("ttl must be at least 1 ms, was " + ttl);
    }
    return new Computed<>(Objects.requireNonNull(value, "value"), ttl);
  }

  /** @return the value */
  public V value() {
    return value;
  }

  /** @return the chosen time to live, or {@code null} for the MemoLock's default */
  public @Nullable Duration ttl() {
    return ttl;
  }
}
