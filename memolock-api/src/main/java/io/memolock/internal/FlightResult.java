package io.memolock.internal;

import io.memolock.MemoLockException;
import java.util.Optional;

/**
 * How a flight ended, for its callers (see {@link Engine}'s {@code await}). Immutable.
 *
 * @param <V> the value type
 */
sealed interface FlightResult<V> {

  /** A value, or an empty optional for a resource cached as absent. */
  record Served<V>(Optional<V> value) implements FlightResult<V> {}

  /** A failure every caller of the flight gets. */
  record Failed<V>(MemoLockException error) implements FlightResult<V> {}

  /**
   * The flight ended without an answer for reasons of its callers, not of the resource: its
   * leader's read was interrupted or ran out of time, or every caller had left. Each caller with
   * time left and no interrupt starts again (a new flight); the others time out or report the
   * interrupt.
   */
  record Restart<V>() implements FlightResult<V> {}
}
