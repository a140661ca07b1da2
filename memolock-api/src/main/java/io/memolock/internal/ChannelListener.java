package io.memolock.internal;

/**
 * Receives the events of the channels it listens to through a {@link Subscriber}. Callbacks must
 * not block.
 */
public interface ChannelListener {
  /**
   * @param channel the channel
   * @param payload the message; empty for a null message (a {@code CLIENT TRACKING} flush notice)
   */
  void onMessage(String channel, byte[] payload);

  /** The connection was re-established: messages may have been missed. */
  void onResync();
}
