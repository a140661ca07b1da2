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

  /**
   * Waits until the caller of {@code id} waits: its re-check after subscribing is done, so what
   * happens next reaches it as a notification (a re-check after a failed holder released its lock,
   * with no failure TTL, would rightly compute instead).
   */
  static void awaitWaiting(io.memolock.MemoLock<?> lock, String id) {
    io.memolock.internal.Engine<?> engine = (io.memolock.internal.Engine<?>) lock;
    RedisProbes.await("the caller of " + id + " waits", () -> "WAITING".equals(engine.flightState(id)));
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
