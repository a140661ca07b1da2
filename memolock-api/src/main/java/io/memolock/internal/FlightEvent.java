package io.memolock.internal;

import org.jspecify.annotations.Nullable;

/**
 * What the subscriber, the callers and {@code close()} tell a flight's thread while it waits (see
 * {@link Flight#run}). Immutable.
 */
sealed interface FlightEvent {

  /** A message on one of the resource's channels, classified by the protocol. */
  record Heard(Protocol.Signal signal) implements FlightEvent {}

  /**
   * The re-check after the subscription was acknowledged, made without a thread (see {@link
   * FlightRecord#listenThenCheck}).
   *
   * @param acquisition what it found, or null: acquire the blocking way
   * @param subscribeFailure why the subscription failed, if it did
   * @param resyncs the flight's resyncs when the check was sent (a later one makes it stale)
   */
  record Checked(
      Protocol.@Nullable Acquisition acquisition,
      @Nullable Throwable subscribeFailure,
      int resyncs)
      implements FlightEvent {}

  /** The subscriber reconnected: messages may have been missed, so the flight re-checks. */
  record Resync() implements FlightEvent {}

  /** The parked flight's timer: the lock's TTL or the callers' deadline ran out; it re-checks. */
  record Due() implements FlightEvent {}

  /** The last caller left (timed out or interrupted); a flight that holds nothing ends. */
  record Abandoned() implements FlightEvent {}

  /** The MemoLock closed: the flight releases what it holds and ends. */
  record Closed() implements FlightEvent {}
}
