package io.memolock.testkit;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

/**
 * What tests ask a Redis about the state of its clients, and a bounded wait for asynchronous effects.
 *
 * <p><b>Thread safety:</b> this class is thread-safe and stateless.
 */
public final class RedisProbes {
  /** How long {@link #await} and {@link #awaitSubscribers} wait: a liveness bound, not a timing assertion. */
  public static final long BOUND_SECONDS = 5;

  private RedisProbes() {}

  /**
   * The server's count of subscribers to these channels ({@code PUBSUB NUMSUB}), summed.
   *
   * @param redis a client of the server
   * @param channels the channel names
   * @return the number of subscriptions to them
   */
  @SuppressWarnings("deprecation") // sendCommand with a Protocol.Command: PUBSUB NUMSUB has no typed method for bytes
  public static long subscribers(UnifiedJedis redis, String... channels) {
    String[] args = new String[channels.length + 1];
    args[0] = "NUMSUB";
    System.arraycopy(channels, 0, args, 1, channels.length);
    List<?> reply = (List<?>) redis.sendCommand(Protocol.Command.PUBSUB, args);
    long total = 0;
    for (int i = 1; i < reply.size(); i += 2) {
      total += (Long) reply.get(i);
    }
    return total;
  }

  /**
   * Waits until a channel has at least {@code count} subscribers on the server.
   *
   * @param redis a client of the server
   * @param channel the channel name
   * @param count how many subscribers to wait for
   * @throws AssertionError if there are fewer after {@value #BOUND_SECONDS} s, or if interrupted
   */
  public static void awaitSubscribers(UnifiedJedis redis, String channel, long count) {
    await("at least " + count + " subscribers on " + channel, () -> subscribers(redis, channel) >= count);
  }

  /**
   * Polls a condition every 5 ms until it holds.
   *
   * @param what what is awaited, for the failure message
   * @param condition the condition
   * @throws AssertionError if it does not hold within {@value #BOUND_SECONDS} s, or if interrupted (the interrupt flag
   *     is then set again)
   */
  public static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + BOUND_SECONDS + " s: " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while awaiting: " + what, e);
      }
    }
  }
}
