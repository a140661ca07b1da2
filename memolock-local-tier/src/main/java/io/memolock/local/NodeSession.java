package io.memolock.local;

import io.memolock.internal.SubscriberConnection;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * One cluster primary's invalidation stream, for a {@link ClusterTracker}: a single connection
 * (made by the node pool's factory, outside the pool, switched to RESP2) that both holds the
 * tracking state and receives its messages. In order it sends {@code CLIENT TRACKING ON REDIRECT
 * <its own id> BCAST PREFIX <prefix>}, {@code SUBSCRIBE __redis__:invalidate} and {@code SSUBSCRIBE}
 * to a control channel in one of the node's slots, then reads on its own thread until stopped.
 *
 * <p>The control channel is what tells this JVM that the node stopped serving that slot: Redis
 * unsubscribes a shard channel by itself ({@code SUNSUBSCRIBE}) when its slot leaves the node, as on
 * a failover that demotes it. Such an unrequested unsubscribe, an error reply ({@code MOVED} if the
 * slot had already moved) or a dropped connection ends the session; the tracker then takes the near
 * cache down and looks at the topology again. Thread-safe: {@link #stop} may be called from any
 * thread (it closes the socket, which ends the reader).
 */
final class NodeSession {
  /** What the session reports to its tracker, on the session's thread. */
  interface Events {
    /** Both subscriptions are acknowledged: every write to the prefix on the node is reported. */
    void subscribed(NodeSession session);

    /**
     * The session ended (never to be live again).
     *
     * @param cause why, or null if it was stopped
     */
    void ended(NodeSession session, @Nullable Exception cause);
  }

  private static final byte[] SUBSCRIBE = bytes("subscribe");
  private static final byte[] SSUBSCRIBE = bytes("ssubscribe");
  private static final byte[] MESSAGE = bytes("message");

  final HostAndPort node;
  private final ConnectionPool pool;
  private final String prefix;
  private final String clientName;
  private final byte[] control;
  private final NearCache<?> near;
  private final InvalidatedKeys keys;
  private final Events events;
  private volatile @Nullable Connection connection;
  private volatile boolean stopped;
  private volatile boolean subscribed;

  /** Maps an invalidated Redis key to its near key, or null for another tag's. */
  interface InvalidatedKeys {
    @Nullable String nearKeyOf(String redisKey);
  }

  NodeSession(
      HostAndPort node,
      ConnectionPool pool,
      String prefix,
      String clientName,
      String controlChannel,
      NearCache<?> near,
      InvalidatedKeys keys,
      Events events) {
    this.node = node;
    this.pool = pool;
    this.prefix = prefix;
    this.clientName = clientName;
    this.control = bytes(controlChannel);
    this.near = near;
    this.keys = keys;
    this.events = events;
  }

  /** @return whether both subscriptions were acknowledged (and the session has not ended since) */
  boolean isSubscribed() {
    return subscribed;
  }

  /** Ends the session from any thread; its reader reports {@link Events#ended} with no cause. */
  void stop() {
    stopped = true;
    Connection c = connection;
    if (c != null) {
      c.close(); // the reader's blocked read fails, and it ends
    }
  }

  /** Opens the connection and reads until the session ends; runs on a thread of its own. */
  void run() {
    @Nullable Exception cause = null;
    Connection c = null;
    try {
      c = SubscriberConnection.dedicatedConnection(pool);
      connection = c;
      if (stopped) {
        return; // stopped before the connection existed: stop() could not close it
      }
      open(c);
      read(c);
    } catch (RuntimeException e) {
      cause = stopped ? null : e;
    } finally {
      subscribed = false;
      if (c != null) {
        c.close();
      }
      events.ended(this, cause);
    }
  }

  private void open(Connection c) {
    long id = SubscriberConnection.helloResp2(c);
    if (id < 0) {
      c.sendCommand(Protocol.Command.CLIENT, "ID");
      id = c.getIntegerReply();
    }
    c.sendCommand(Protocol.Command.CLIENT, "SETNAME", clientName);
    c.getStatusCodeReply();
    if (prefix.isEmpty()) {
      c.sendCommand(
          Protocol.Command.CLIENT, "TRACKING", "ON", "REDIRECT", Long.toString(id), "BCAST");
    } else {
      c.sendCommand(
          Protocol.Command.CLIENT, "TRACKING", "ON", "REDIRECT", Long.toString(id), "BCAST",
          "PREFIX", prefix);
    }
    c.getStatusCodeReply();
    c.setTimeoutInfinite(); // an idle stream is not a dead one
    c.sendCommand(Protocol.Command.SUBSCRIBE, bytes(Tracker.CHANNEL));
    c.sendCommand(Protocol.Command.SSUBSCRIBE, control);
  }

  private void read(Connection c) {
    int acks = 0;
    Object reply = c.getOne(); // flushes the two subscriptions
    while (!stopped) {
      if (!(reply instanceof List<?> message) || message.size() < 3) {
        throw new JedisConnectionException(node + " sent an unexpected reply: " + reply);
      }
      byte[] type = (byte[]) message.get(0);
      if (Arrays.equals(type, MESSAGE)) {
        invalidate(message.get(2));
      } else if (Arrays.equals(type, SUBSCRIBE) || Arrays.equals(type, SSUBSCRIBE)) {
        if (++acks == 2) {
          subscribed = true;
          events.subscribed(this);
        }
      } else {
        // sunsubscribe (or unsubscribe): never requested, so the node gave up the control
        // channel's slot (a failover demoted it, or the slot migrated away).
        throw new JedisConnectionException(
            node + " ended a subscription by itself ("
                + new String(type, StandardCharsets.UTF_8)
                + "): its slots changed");
      }
      reply = c.getUnflushedObject();
    }
  }

  /** An invalidation message's payload: the keys changed, or nothing for a flush of the node. */
  private void invalidate(@Nullable Object payload) {
    if (!(payload instanceof List<?> changed)) {
      near.flush(); // FLUSHALL / FLUSHDB on the node: tracking sends a null key list
      return;
    }
    for (Object key : changed) {
      if (key instanceof byte[] raw) {
        String nearKey = keys.nearKeyOf(new String(raw, StandardCharsets.UTF_8));
        if (nearKey != null) {
          near.invalidations.increment();
          near.invalidate(nearKey);
        }
      }
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "tracking session on " + node;
  }
}
