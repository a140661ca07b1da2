package io.memolock.internal;

import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What both kinds of {@link PubSubConnection} do with the server's replies, whatever Jedis base
 * class reads them ({@code SUBSCRIBE} or {@code SSUBSCRIBE}): the acknowledgement of the control
 * channel means the connection is ready; other acknowledgements and messages go to the
 * subscriber's callbacks, channel names decoded, a null message as an empty payload. Called on the
 * subscriber's thread; {@link #wasReady} may be read from any thread.
 */
final class PubSubRelay {
  private final PubSubConnection connection;
  private final Consumer<PubSubConnection> onReady;
  private final Consumer<String> onAck;
  private final BiConsumer<String, byte[]> onMessage;
  private volatile boolean wasReady;

  PubSubRelay(
      PubSubConnection connection,
      Consumer<PubSubConnection> onReady,
      Consumer<String> onAck,
      BiConsumer<String, byte[]> onMessage) {
    this.connection = connection;
    this.onReady = onReady;
    this.onAck = onAck;
    this.onMessage = onMessage;
  }

  /** A subscription was acknowledged; the control channel's makes the connection ready. */
  void subscribed(byte[] channel, @Nullable String control) {
    String name = new String(channel, StandardCharsets.UTF_8);
    if (name.equals(control)) {
      wasReady = true;
      onReady.accept(connection);
    } else {
      onAck.accept(name);
    }
  }

  /** An unsubscription was acknowledged (or the server unsubscribed a channel by itself). */
  void unsubscribed(byte[] channel, @Nullable String control) {
    String name = new String(channel, StandardCharsets.UTF_8);
    if (!name.equals(control)) {
      onAck.accept(name);
    }
  }

  void message(byte[] channel, byte @Nullable [] message) {
    onMessage.accept(
        new String(channel, StandardCharsets.UTF_8), message == null ? new byte[0] : message);
  }

  boolean wasReady() {
    return wasReady;
  }
}
