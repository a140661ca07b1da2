package io.memolock.internal;

import redis.clients.jedis.RedisClient;

/**
 * Hears about a {@link Subscriber}'s connection itself. Callbacks run on the subscriber thread
 * while it holds its lock: they must be quick and must not block or call back into the subscriber.
 */
public interface ConnectionListener {
  /**
   * The connection is up and in subscribe mode: messages sent to it from now on are delivered.
   *
   * @param clientId its {@code CLIENT ID}, or -1 if it could not be learnt (not a {@link
   *     RedisClient}, or the server refused the command)
   */
  void onConnected(long clientId);

  /** The connection is gone: anything sent to it since it was lost is lost. */
  void onDisconnected();

  /** The server unsubscribed a wanted {@code channel} by itself (its cluster slot moved). */
  default void onChannelLost(String channel) {}
}
