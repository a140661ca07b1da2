package io.memolock.internal;

import io.memolock.Computed;
import java.time.Duration;
import java.util.Objects;

/** Checks the durations a MemoLock sends to Redis in milliseconds. Stateless. */
public final class Durations {
  private Durations() {}

  /**
   * @param d the duration
   * @param minMillis the shortest allowed
   * @param name what it is, for the message
   * @return {@code d}
   * @throws NullPointerException if d is null
   * @throws IllegalArgumentException if d is shorter than {@code minMillis} or longer than {@link
   *     Computed#MAX_TTL}
   */
  public static Duration check(Duration d, long minMillis, String name) {
    Objects.requireNonNull(d, name);
    if (d.compareTo(Computed.MAX_TTL) > 0) {
      throw new IllegalArgumentException(
          name
              + " must be at most Computed.MAX_TTL ("
              + Computed.MAX_TTL.toDays()
              + " days; Redis refuses longer expiry times), was "
              + d);
    }
    if (d.toMillis() < minMillis) {
      throw new IllegalArgumentException(name + " must be at least " + minMillis + " ms, was " + d);
    }
    return d;
  }
}
