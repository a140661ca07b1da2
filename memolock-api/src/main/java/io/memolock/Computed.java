package io.memolock;

import io.memolock.internal.Durations;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The result of a {@link Computation}: a value, or the fact that the resource is absent (for
 * example "no such user"), and the time it lives in Redis.
 *
 * <p>An absence is cached like a value, with its own time to live, so a missing resource does not
 * cause a stampede either. Callers of {@link MemoLock#find} receive it as {@code Optional.empty()};
 * callers of {@link MemoLock#get} receive an {@link AbsentValueException}. Immutable.
 *
 * @param <V> the value type
 */
public final class Computed<V> {
  /**
   * The longest time to live a MemoLock stores: 3,650,000 days (about 10,000 years). Redis refuses
   * a {@code PX} that overflows its clock ({@code "invalid expire time"}), so longer TTLs are
   * refused here, where they are set, with an {@link IllegalArgumentException}, and never reach
   * Redis to fail there. The same limit holds for every duration a MemoLock sends to Redis (lock
   * timeout, lease extension, failure TTL).
   */
  public static final Duration MAX_TTL = Duration.ofDays(3_650_000);

  private final @Nullable V value;
  private final @Nullable Duration ttl;

  private Computed(@Nullable V value, @Nullable Duration ttl) {
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
   * @param ttl time to live in Redis, at least one millisecond, at most {@link #MAX_TTL}
   * @param <V> the value type
   * @return the result
   * @throws NullPointerException if value or ttl is null
   * @throws IllegalArgumentException if ttl is shorter than one millisecond or longer than {@link
   *     #MAX_TTL}
   */
  public static <V> Computed<V> of(V value, Duration ttl) {
    return new Computed<>(Objects.requireNonNull(value, "value"), checkTtl(ttl));
  }

  /**
   * The resource does not exist; that fact lives for the MemoLock's default TTL.
   *
   * @param <V> the value type
   * @return the result
   */
  public static <V> Computed<V> absent() {
    return new Computed<>(null, null);
  }

  /**
   * The resource does not exist; that fact lives for {@code ttl} (typically shorter than a
   * value's).
   *
   * @param ttl time to live of the absence in Redis, at least one millisecond, at most {@link
   *     #MAX_TTL}
   * @param <V> the value type
   * @return the result
   * @throws NullPointerException if ttl is null
   * @throws IllegalArgumentException if ttl is shorter than one millisecond or longer than {@link
   *     #MAX_TTL}
   */
  public static <V> Computed<V> absent(Duration ttl) {
    return new Computed<>(null, checkTtl(ttl));
  }

  /** @return {@code true} if the computation found no such resource */
  public boolean isAbsent() {
    return value == null;
  }

  /**
   * @return the value
   * @throws NoSuchElementException if this result is {@linkplain #isAbsent() absent}
   */
  public V value() {
    if (value == null) {
      throw new NoSuchElementException("the computation reported the resource as absent");
    }
    return value;
  }

  /** @return the chosen time to live, or {@code null} for the MemoLock's default */
  public @Nullable Duration ttl() {
    return ttl;
  }

  private static Duration checkTtl(Duration ttl) {
    return Durations.check(ttl, 1, "ttl");
  }
}
