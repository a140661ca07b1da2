package io.memolock.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The channels a {@link Subscriber} has queued to (un)subscribe on its current connection, written
 * in batches: many ids that start waiting together cost a few {@code SUBSCRIBE} commands (at most
 * {@value #MAX_CHANNELS_PER_COMMAND} channels each), not one write each. The first caller to queue
 * into an outbox without a pending flush promises to {@link Subscriber flush} it once it has
 * released the subscriber's lock (after one {@link Thread#yield}, in which other callers queue
 * theirs). The outbox keeps the order of subscribes and unsubscribes: queueing the other kind
 * writes what is queued first. It belongs to one connection: the subscriber clears it when the
 * connection goes (the next one subscribes every wanted channel).
 *
 * <p>A failed write means the connection is broken: it is reported to the given consumer (the
 * subscriber's loop reconnects and resubscribes). Not thread-safe: guarded by the subscriber's
 * lock.
 */
final class SubscribeOutbox {
  /** The most channels written in one SUBSCRIBE or UNSUBSCRIBE command. */
  static final int MAX_CHANNELS_PER_COMMAND = 4_096;

  private final List<byte[]> channels = new ArrayList<>();
  private boolean subscribes;
  private boolean flushQueued;

  /**
   * Queues a channel.
   *
   * @param connection where queued channels of the other kind are written first
   * @return whether the caller must flush once it has released the lock
   */
  boolean add(
      boolean subscribe, String name, PubSubConnection connection, Consumer<RuntimeException> problem) {
    if (!channels.isEmpty() && subscribes != subscribe) {
      write(connection, problem);
    }
    subscribes = subscribe;
    channels.add(name.getBytes(StandardCharsets.UTF_8));
    if (flushQueued) {
      return false;
    }
    flushQueued = true;
    return true;
  }

  /** Writes every queued channel (on no connection: drops them) and empties the outbox. */
  void write(@Nullable PubSubConnection connection, Consumer<RuntimeException> problem) {
    flushQueued = false;
    if (connection != null && !channels.isEmpty()) {
      send(connection, subscribes, channels, problem);
    }
    channels.clear();
  }

  /** Forgets what is queued (the connection it was meant for is gone). */
  void clear() {
    channels.clear();
    flushQueued = false;
  }

  /** Writes (un)subscriptions, at most {@value #MAX_CHANNELS_PER_COMMAND} channels a command. */
  static void send(
      PubSubConnection connection,
      boolean subscribe,
      List<byte[]> raws,
      Consumer<RuntimeException> problem) {
    try {
      for (int from = 0; from < raws.size(); from += MAX_CHANNELS_PER_COMMAND) {
        byte[][] array =
            raws.subList(from, Math.min(raws.size(), from + MAX_CHANNELS_PER_COMMAND))
                .toArray(byte[][]::new);
        if (subscribe) {
          connection.add(array);
        } else {
          connection.remove(array);
        }
      }
    } catch (RuntimeException e) {
      problem.accept(e);
    }
  }
}
