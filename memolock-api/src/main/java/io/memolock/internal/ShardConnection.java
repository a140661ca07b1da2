package io.memolock.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.BinaryJedisShardedPubSub;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * One sharded Pub/Sub connection to one cluster primary ({@code SSUBSCRIBE}), for the per-node
 * {@link Subscriber} of a {@link ShardedSubscriber}. It is made by the node pool's factory (same
 * credentials and TLS as the pool's connections, but outside the pool), switched to RESP2, and
 * asks the node which slots it serves ({@code CLUSTER NODES}): its control channel carries a hash
 * tag of one of them, so the node accepts it. A node that serves no slot (a replica now) fails the
 * connection; so does a {@code MOVED} reply to a subscription, and the subscriber's listeners hear
 * about both (the sharded subscriber then moves the channels). Thread confinement as {@link
 * PubSubConnection} says.
 */
final class ShardConnection extends BinaryJedisShardedPubSub implements PubSubConnection {
  private final ConnectionPool pool;
  private final HostAndPort node;
  private final String controlBase;
  private final PubSubRelay relay;
  private volatile @Nullable String control;
  private volatile long clientId = -1;
  private final ConnectionEnd end = new ConnectionEnd();

  ShardConnection(
      ConnectionPool pool,
      HostAndPort node,
      String controlBase,
      Consumer<PubSubConnection> onReady,
      Consumer<String> onAck,
      BiConsumer<String, byte[]> onMessage) {
    this.pool = pool;
    this.node = node;
    this.controlBase = controlBase;
    this.relay = new PubSubRelay(this, onReady, onAck, onMessage);
  }

  @Override
  public void run() {
    Connection c = SubscriberConnection.dedicatedConnection(pool);
    try {
      clientId = SubscriberConnection.helloResp2(c);
      String name = controlBase + "{" + SlotTags.forSlot(firstServedSlot(c)) + "}";
      control = name;
      proceed(c, name.getBytes(StandardCharsets.UTF_8));
    } finally {
      end.end(c::close); // not pooled: closing disconnects
    }
  }

  /** The first slot the node says it serves. */
  private int firstServedSlot(Connection c) {
    c.sendCommand(Protocol.Command.CLUSTER, "NODES");
    String nodes = c.getBulkReply();
    for (String line : nodes.split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length < 3 || !f[2].contains("myself")) {
        continue;
      }
      for (int i = 8; f[2].contains("master") && i < f.length; i++) {
        if (!f[i].startsWith("[")) {
          return Integer.parseInt(f[i].split("-")[0]);
        }
      }
    }
    throw new JedisConnectionException(node + " serves no hash slot (a replica now?)");
  }

  /**
   * Subscribes in one {@code SSUBSCRIBE} per hash slot: a node refuses one naming channels of two
   * slots ({@code CROSSSLOT}), and the subscriber hands over every channel pending for this node at
   * once (on a reconnect, all of them).
   */
  @Override
  public void add(byte[][] channels) {
    for (byte[][] sameSlot : bySlot(channels)) {
      end.write(() -> ssubscribe(sameSlot));
    }
  }

  /** Unsubscribes in one {@code SUNSUBSCRIBE} per hash slot, as {@link #add} subscribes. */
  @Override
  public void remove(byte[][] channels) {
    for (byte[][] sameSlot : bySlot(channels)) {
      end.write(() -> sunsubscribe(sameSlot));
    }
  }

  /** @return the channels grouped by hash slot, in the order each slot first appears */
  static List<byte[][]> bySlot(byte[][] channels) {
    if (channels.length <= 1) {
      return List.<byte[][]>of(channels);
    }
    Map<Integer, List<byte[]>> groups = new LinkedHashMap<>();
    for (byte[] channel : channels) {
      groups.computeIfAbsent(JedisClusterCRC16.getSlot(channel), s -> new ArrayList<>()).add(channel);
    }
    List<byte[][]> out = new ArrayList<>(groups.size());
    for (List<byte[]> group : groups.values()) {
      out.add(group.toArray(new byte[0][]));
    }
    return out;
  }

  @Override
  public void removeAll() {
    end.write(this::sunsubscribe);
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
  public void onSSubscribe(byte[] channel, int subscribedChannels) {
    relay.subscribed(channel, control);
  }

  @Override
  public void onSUnsubscribe(byte[] channel, int subscribedChannels) {
    relay.unsubscribed(channel, control);
  }

  @Override
  public void onSMessage(byte[] channel, byte @Nullable [] message) {
    relay.message(channel, message);
  }
}
