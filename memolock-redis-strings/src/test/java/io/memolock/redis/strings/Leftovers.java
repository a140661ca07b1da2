package io.memolock.redis.strings;

import io.memolock.MemoLock;
import io.memolock.internal.Engine;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

/** Checks that nothing stays registered: no flight, no local channel state, no server subscription. */
final class Leftovers {
  private Leftovers() {}

  /** @return the server's count of subscribers to these channels (PUBSUB NUMSUB) */
  @SuppressWarnings("deprecation")
  static long subscribers(UnifiedJedis redis, String... channels) {
    String[] args = new String[channels.length + 1];
    args[0] = "NUMSUB";
    System.arraycopy(channels, 0, args, 1, channels.length);
    java.util.List<?> reply =
        (java.util.List<?>) redis.sendCommand(Protocol.Command.PUBSUB, args);
    long total = 0;
    for (int i = 1; i < reply.size(); i += 2) {
      total += (Long) reply.get(i);
    }
    return total;
  }

  /** Waits until a channel has at least {@code count} subscribers on the server. */
  static void awaitSubscribers(UnifiedJedis redis, String channel, long count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      if (subscribers(redis, channel) >= count) {
        return;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
    throw new AssertionError("fewer than " + count + " subscribers on " + channel);
  }

  /** Waits up to 5 s for a condition (a liveness bound, not a timing assertion). */
  static void await(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within 5 s: " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
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
