package io.memolock.redis.strings;

import io.memolock.testkit.RedisProbes;
import redis.clients.jedis.UnifiedJedis;

/**
 * The probes the interop and oldest-Redis tests need (the engine's full leak checks moved with the protocol tests to
 * memolock-api). Stateless.
 */
final class Leftovers {
  private Leftovers() {}

  /** Waits until a channel has at least {@code count} subscribers on the server. */
  static void awaitSubscribers(UnifiedJedis redis, String channel, long count) {
    RedisProbes.awaitSubscribers(redis, channel, count);
  }

  /** Waits until no flight, no local channel state and no server subscription to these channels is left. */
  static void assertNone(io.memolock.MemoLock<?> lock, UnifiedJedis redis, String... channels) {
    io.memolock.internal.Engine<?> engine = (io.memolock.internal.Engine<?>) lock;
    RedisProbes.await(
        "nothing left behind",
        () -> engine.activeFlights() == 0
            && engine.subscribedChannels() == 0
            && RedisProbes.subscribers(redis, channels) == 0);
  }
}
