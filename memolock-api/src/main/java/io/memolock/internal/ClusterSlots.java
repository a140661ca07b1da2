package io.memolock.internal;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Which primary serves each hash slot, as the {@link ShardedSubscriber} last learnt it from {@code
 * CLUSTER SLOTS}, asked on a connection of its own (made by a node pool's factory, outside the
 * pool) of the first node that answers. Reads are lock-free (an immutable snapshot in a volatile
 * field); loads run on the caller's thread. Thread-safe.
 */
public final class ClusterSlots {
  private record Snapshot(HostAndPort[] owners, Set<HostAndPort> primaries) {}

  private final RedisClusterClient cluster;
  private volatile @Nullable Snapshot snapshot;

  /** @param cluster the client whose nodes are asked */
  public ClusterSlots(RedisClusterClient cluster) {
    this.cluster = cluster;
  }

  /**
   * @param slot a hash slot
   * @return its primary as last loaded (loading once if nothing was), or null if none serves it
   * @throws JedisException if nothing was loaded yet and no node answers
   */
  public @Nullable HostAndPort owner(int slot) {
    Snapshot s = snapshot;
    if (s == null) {
      load();
      s = snapshot;
    }
    return s == null ? null : s.owners()[slot];
  }

  /**
   * The pool the cluster client keeps for a node (whose factory makes its connections), asking the
   * client to refresh its topology once if it does not know the node yet.
   *
   * @throws JedisConnectionException if the client still does not know it
   */
  public static ConnectionPool poolOf(RedisClusterClient cluster, HostAndPort node) {
    ConnectionPool pool = cluster.getClusterNodes().get(node.toString());
    if (pool == null) {
      cluster.refreshClusterTopology();
      pool = cluster.getClusterNodes().get(node.toString());
    }
    if (pool == null) {
      throw new JedisConnectionException("the cluster client does not know the node " + node);
    }
    return pool;
  }

  /** @return the nodes that served a slot at the last load (empty before the first) */
  public Set<HostAndPort> primaries() {
    Snapshot s = snapshot;
    return s == null ? Set.of() : s.primaries();
  }

  /**
   * @param node a primary of the last load
   * @return a hash slot it served at the last load, or -1 if none
   */
  public int firstSlotOf(HostAndPort node) {
    Snapshot s = snapshot;
    if (s != null) {
      for (int slot = 0; slot < s.owners().length; slot++) {
        if (node.equals(s.owners()[slot])) {
          return slot;
        }
      }
    }
    return -1;
  }

  /** @return whether the node served a slot at the last load */
  boolean isPrimary(HostAndPort node) {
    Snapshot s = snapshot;
    return s != null && s.primaries().contains(node);
  }

  /**
   * Loads the slot map from the first node that answers.
   *
   * @throws JedisException if none does
   */
  public void load() {
    JedisException last = null;
    for (Map.Entry<String, ConnectionPool> node : cluster.getClusterNodes().entrySet()) {
      try (Connection c = SubscriberConnection.dedicatedConnection(node.getValue())) {
        c.sendCommand(Protocol.Command.CLUSTER, "SLOTS");
        snapshot = parse(c.getObjectMultiBulkReply(), c.getHostAndPort());
        return;
      } catch (JedisException e) {
        last = e; // a node that is down: ask the next
      }
    }
    throw last != null ? last : new JedisConnectionException("the cluster client knows no node");
  }

  private static Snapshot parse(List<Object> reply, HostAndPort asked) {
    HostAndPort[] owners = new HostAndPort[SlotTags.SLOTS];
    Set<HostAndPort> primaries = new HashSet<>();
    for (Object entry : reply) {
      List<?> range = (List<?>) entry;
      int from = ((Long) range.get(0)).intValue();
      int to = ((Long) range.get(1)).intValue();
      List<?> primary = (List<?>) range.get(2);
      String host = new String((byte[]) primary.get(0), StandardCharsets.UTF_8);
      HostAndPort node =
          new HostAndPort(host.isEmpty() ? asked.getHost() : host, ((Long) primary.get(1)).intValue());
      primaries.add(node);
      for (int slot = from; slot <= to; slot++) {
        owners[slot] = node;
      }
    }
    return new Snapshot(owners, Set.copyOf(primaries));
  }
}
