package io.memolock.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One connection of the {@link Subscriber}, from opening to the end of its subscribe loop: it
 * subscribes to the subscriber's private control channel first (whose acknowledgement means the
 * connection is ready), then relays acknowledgements and messages to the subscriber. Used by the
 * subscriber thread alone, except {@link #subscribe}/{@link #unsubscribe}, which the subscriber
 * calls under its lock from any thread (Jedis writes them to the socket).
 *
 * <p>With a {@link RedisClient}, the connection is made by the client's own connection factory
 * (same address, credentials and TLS as the pool's, but outside the pool, so it takes none of the
 * pool's connections away from commands) and switched to RESP2 with {@code HELLO 2} before it
 * enters subscribe mode; the reply gives its client id (see {@code
 * ConnectionListener}).
 */
public final class SubscriberConnection extends BinaryJedisPubSub implements PubSubConnection {

  private final UnifiedJedis redis;
  private final String control;
  private final PubSubRelay relay;
  private final Consumer<String> onPatternAck;
  private final BiConsumer<String, byte[]> onPatternMessage;
  private volatile long clientId = -1;
  private final ConnectionEnd end = new ConnectionEnd();

  /**
   * @param control the subscriber's private control channel
   * @param onReady called when the control channel is subscribed: the connection is up
   * @param onAck called when a (un)subscription of a channel is acknowledged
   * @param onMessage called with each message (an empty payload for a null message)
   * @param onPatternAck called when a (un)subscription of a pattern is acknowledged
   * @param onPatternMessage called with each message a pattern delivers: its channel and payload
   */
  SubscriberConnection(
      UnifiedJedis redis,
      String control,
      Consumer<PubSubConnection> onReady,
      Consumer<String> onAck,
      BiConsumer<String, byte[]> onMessage,
      Consumer<String> onPatternAck,
      BiConsumer<String, byte[]> onPatternMessage) {
    this.redis = redis;
    this.control = control;
    this.relay = new PubSubRelay(this, onReady, onAck, onMessage);
    this.onPatternAck = onPatternAck;
    this.onPatternMessage = onPatternMessage;
  }

  @Override
  public void run() {
    byte[] controlChannel = control.getBytes(StandardCharsets.UTF_8);
    if (redis instanceof RedisClient client) {
      // What UnifiedJedis.subscribe does, plus HELLO 2 before the connection enters subscribe
      // mode: it learns the connection's CLIENT ID, and RESP2 is what a CLIENT TRACKING
      // redirect target needs (a RESP3 target gets invalidations as push frames, which Jedis
      // drops). Pub/Sub messages read the same in both protocols.
      Connection c = dedicatedConnection(client);
      try {
        clientId = helloResp2(c);
        proceed(c, controlChannel);
      } finally {
        end.end(c::close); // not pooled: closing disconnects
      }
    } else {
      try {
        redis.subscribe(this, controlChannel);
      } finally {
        end.end(() -> {}); // the connection went back to the client's pool: write no more to it
      }
    }
  }

  @Override
  public void add(byte[][] channels) {
    end.write(() -> subscribe(channels));
  }

  @Override
  public void remove(byte[][] channels) {
    end.write(() -> unsubscribe(channels));
  }

  @Override
  public void removeAll() {
    end.write(this::unsubscribe);
  }

  @Override
  public void addPatterns(byte[][] patterns) {
    end.write(() -> psubscribe(patterns));
  }

  @Override
  public void removePatterns(byte[][] patterns) {
    end.write(() -> punsubscribe(patterns));
  }

  @Override
  public boolean wasReady() {
    return relay.wasReady();
  }

  @Override
  public long clientId() {
    return clientId;
  }

  @Override
  public void onSubscribe(byte[] channel, int subscribedChannels) {
    relay.subscribed(channel, control);
  }

  @Override
  public void onUnsubscribe(byte[] channel, int subscribedChannels) {
    // Unlike a shard connection's, the control channel is only unsubscribed by close (removeAll),
    // where its acknowledgement no longer matters: passing no control name relays it as before.
    relay.unsubscribed(channel, null);
  }

  @Override
  public void onMessage(byte[] channel, byte @Nullable [] message) {
    relay.message(channel, message);
  }

  @Override
  public void onPSubscribe(byte[] pattern, int subscribedChannels) {
    onPatternAck.accept(new String(pattern, StandardCharsets.UTF_8));
  }

  @Override
  public void onPUnsubscribe(byte @Nullable [] pattern, int subscribedChannels) {
    if (pattern != null) {
      onPatternAck.accept(new String(pattern, StandardCharsets.UTF_8));
    }
  }

  @Override
  public void onPMessage(byte[] pattern, byte[] channel, byte @Nullable [] message) {
    onPatternMessage.accept(
        new String(channel, StandardCharsets.UTF_8), message == null ? new byte[0] : message);
  }

  /** A new connection configured as the pool's are, owned by the subscriber alone. */
  private static Connection dedicatedConnection(RedisClient client) {
    return dedicatedConnection(client.getPool());
  }

  /** A new connection made by a pool's factory (configured as its connections are), not pooled. */
  public static Connection dedicatedConnection(redis.clients.jedis.util.Pool<Connection> pool) {
    try {
      return pool.getFactory().makeObject().getObject();
    } catch (JedisException e) {
      throw e;
    } catch (Exception e) {
      throw new JedisConnectionException("cannot open the subscriber connection: " + e, e);
    }
  }

  /** Switches the connection to RESP2 and returns its client id, or -1 if the server refused. */
  public static long helloResp2(Connection c) {
    try {
      c.sendCommand(Protocol.Command.HELLO, "2");
      List<Object> reply = c.getObjectMultiBulkReply();
      for (int i = 0; i + 1 < reply.size(); i += 2) {
        if (reply.get(i) instanceof byte[] key
            && "id".equals(new String(key, StandardCharsets.UTF_8))
            && reply.get(i + 1) instanceof Long id) {
          return id;
        }
      }
      return -1;
    } catch (JedisDataException e) {
      return -1; // e.g. an ACL that forbids HELLO: the core does not need it
    }
  }
}
