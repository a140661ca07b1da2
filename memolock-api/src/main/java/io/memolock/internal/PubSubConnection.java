package io.memolock.internal;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One Pub/Sub connection of a {@link Subscriber}, from opening to the end of its subscribe loop:
 * {@link SubscriberConnection} ({@code SUBSCRIBE}, standalone Redis) or {@link ShardConnection}
 * ({@code SSUBSCRIBE}, one cluster primary). It subscribes to a private control channel first,
 * whose acknowledgement means it is ready. {@link #run} runs on the subscriber's thread; {@link
 * #add}, {@link #remove} and {@link #removeAll} are called by the subscriber under its lock from
 * any thread.
 */
interface PubSubConnection {

  /** Makes the connections of one subscriber. */
  interface Factory {
    /**
     * @param control the subscriber's private control channel (a shard connection adds a hash tag
     *     of its node's slots)
     * @param onReady called when the control channel is subscribed: the connection is up
     * @param onAck called when a (un)subscription of a channel is acknowledged, or when the server
     *     unsubscribed one by itself
     * @param onMessage called with each message (an empty payload for a null message)
     * @return a new, unopened connection
     */
    PubSubConnection create(
        String control,
        Consumer<PubSubConnection> onReady,
        Consumer<String> onAck,
        BiConsumer<String, byte[]> onMessage);
  }

  /** Opens the connection and runs its subscribe loop until it is unsubscribed or fails. */
  void run();

  /** Subscribes to channels. */
  void add(byte[][] channels);

  /** Unsubscribes from channels. */
  void remove(byte[][] channels);

  /** Unsubscribes from every channel, which ends {@link #run} once no pattern is left. */
  void removeAll();

  /**
   * Subscribes to channel patterns ({@code PSUBSCRIBE}; see {@link ChannelPatterns}).
   *
   * @throws UnsupportedOperationException if the connection has no patterns (sharded Pub/Sub)
   */
  default void addPatterns(byte[][] patterns) {
    throw new UnsupportedOperationException("no channel patterns on this connection");
  }

  /** Unsubscribes from channel patterns ({@code PUNSUBSCRIBE}). */
  default void removePatterns(byte[][] patterns) {
    throw new UnsupportedOperationException("no channel patterns on this connection");
  }

  /** @return whether the control channel was acknowledged */
  boolean wasReady();

  /** @return the connection's {@code CLIENT ID}, or -1 if unknown */
  long clientId();
}
