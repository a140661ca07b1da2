package io.memolock;

import io.memolock.internal.Engine;
import io.memolock.testkit.RedisProbes;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import redis.clients.jedis.UnifiedJedis;

/** Checks that nothing stays registered: no flight, no local channel state, no server subscription. Stateless. */
final class Leftovers {
  private Leftovers() {}

  /** @return the server's count of subscribers to these channels (PUBSUB NUMSUB) */
  static long subscribers(UnifiedJedis redis, String... channels) {
    return RedisProbes.subscribers(redis, channels);
  }

  /** Waits until a channel has at least {@code count} subscribers on the server. */
  static void awaitSubscribers(UnifiedJedis redis, String channel, long count) {
    RedisProbes.awaitSubscribers(redis, channel, count);
  }

  /** Waits up to 5 s for a condition (a liveness bound, not a timing assertion). */
  static void await(String what, BooleanSupplier condition) {
    RedisProbes.await(what, condition);
  }

  /** Waits until a key exists (say, a lock taken by a computation started on another thread). */
  static void awaitLock(UnifiedJedis redis, String key) {
    await(key + " exists", () -> redis.exists(key));
  }

  /** Cleanup is asynchronous (a flight thread unsubscribes after its callers left): poll briefly. */
  static void assertNone(MemoLock<?> lock, UnifiedJedis redis, String... channels) {
    Engine<?> engine = (Engine<?>) lock;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    String state = "";
    while (System.nanoTime() < deadline) {
      long serverSubscriptions = 0;
      if (channels.length > 0) {
        serverSubscriptions = subscribers(redis, channels);
      }
      state =
          "flights="
              + engine.activeFlights()
              + " channels="
              + engine.subscribedChannels()
              + " serverSubscriptions="
              + serverSubscriptions;
      if (engine.activeFlights() == 0
          && engine.subscribedChannels() == 0
          && serverSubscriptions == 0) {
        return;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
    throw new AssertionError("left behind: " + state);
  }
}
