package io.memolock.storage.conformance;

import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

/** Pub/Sub checks for tests of waiters. Thread-safe (stateless). */
public final class PubSub {
  private PubSub() {}

  /**
   * Waits until the server counts a subscriber on a channel ({@code PUBSUB NUMSUB}), so that a
   * test publishes only once a waiter listens.
   *
   * @param redis a client
   * @param channel the channel
   * @throws AssertionError if nobody subscribes within 5 seconds
   */
  @SuppressWarnings("deprecation") // UnifiedJedis.sendCommand: PUBSUB NUMSUB has no typed method
  public static void awaitSubscriber(UnifiedJedis redis, String channel) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      List<?> reply = (List<?>) redis.sendCommand(Protocol.Command.PUBSUB, "NUMSUB", channel);
      if ((Long) reply.get(1) > 0) {
        return;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
    throw new AssertionError("nobody subscribed to " + channel);
  }
}
