package io.memolock.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where a protocol hears its channels: the client's one {@link Subscriber} ({@code SUBSCRIBE}, a
 * standalone Redis) or its {@link ShardedSubscriber} ({@code SSUBSCRIBE}, one connection per
 * cluster primary). Implementations are thread-safe; see {@link Subscriber} for the contract.
 */
interface Channels {
  /**
   * Adds a listener to channels.
   *
   * @return completes when every channel is subscribed on the server
   */
  CompletableFuture<Void> listen(List<String> names, ChannelListener listener);

  /**
   * Lets many wanted channels that start with this prefix be heard through one pattern (see {@link
   * ChannelPatterns}); no effect where there are no patterns (sharded Pub/Sub).
   */
  default void coverByPattern(String prefix) {}

  /**
   * @return whether listening to these channels now would very likely be ready at once (a pattern
   *     covers them); a hint only: the future {@link #listen} returns says for sure
   */
  default boolean heardAtOnce(List<String> names) {
    return false;
  }

  /** Removes a listener; channels left without listeners are unsubscribed. */
  void unlisten(List<String> names, ChannelListener listener);

  /** @return connection problems and listener failures seen (logged, rate-limited) */
  long errors();

  /** @return channels held (subscribed, or being (un)subscribed), control channels excluded */
  int channelCount();

  /** @return how many times a connection was (re-)established */
  long connects();

  /** @return messages received on listened channels, control channels excluded */
  long messages();

  /**
   * @return messages received on a channel that had no local listener when it arrived (a key no
   *     one here waits on any more, or never did): the fan-out sharded Pub/Sub is meant to avoid
   */
  long strayMessages();

  /** Unsubscribes everything, fails pending subscriptions and stops the threads. */
  void close();
}
