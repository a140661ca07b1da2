package io.memolock.redis.strings;

import io.memolock.testkit.RedisProbes;
import redis.clients.jedis.UnifiedJedis;

/**
 * The one probe the interop tests need (the engine's leak checks moved with the protocol tests to memolock-api).
 * Stateless.
 */
final class Leftovers {
  private Leftovers() {}

  /** Waits until a channel has at least {@code count} subscribers on the server. */
  static void awaitSubscribers(UnifiedJedis redis, String channel, long count) {
    RedisProbes.awaitSubscribers(redis, channel, count);
  }
}
