package io.memolock.testkit;

import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * Moves one hash slot of a {@link TestRedisCluster} from its primary to another, with its keys, as
 * {@code redis-cli --cluster reshard} does: {@code CLUSTER SETSLOT <slot> IMPORTING} on the target,
 * {@code MIGRATING} on the source, {@code MIGRATE} of every key in the slot, then {@code SETSLOT
 * <slot> NODE <target>} on the target, the source and every other primary. Between the first and
 * the last step, commands for the slot's keys meet {@code ASK} and {@code TRYAGAIN} replies; after
 * it, {@code MOVED}, and the source ends its clients' sharded subscriptions to the slot's channels.
 *
 * <p><b>Thread safety:</b> stateless; do not run two migrations of one slot at once.
 */
public final class ClusterSlotMigration {
  private static final int MIGRATE_TIMEOUT_MS = 5_000;

  private ClusterSlotMigration() {}

  /**
   * @param cluster the cluster
   * @param slot the hash slot
   * @param sourcePort the slot's primary now
   * @param targetPort a primary other than the slot's
   * @return how many keys moved
   */
  public static int migrate(TestRedisCluster cluster, int slot, int sourcePort, int targetPort) {
    return migrate(cluster, slot, sourcePort, targetPort, () -> {});
  }

  /**
   * @param cluster the cluster
   * @param slot the hash slot
   * @param sourcePort the slot's primary now
   * @param targetPort a primary other than the slot's
   * @param whileMigrating runs once the keys moved, before the target owns the slot (commands for
   *     the slot's keys meet {@code ASK} then)
   * @return how many keys moved
   */
  @SuppressWarnings("deprecation") // MIGRATE ... KEYS: sent as a raw command
  public static int migrate(
      TestRedisCluster cluster, int slot, int sourcePort, int targetPort, Runnable whileMigrating) {
    if (sourcePort == targetPort) {
      throw new IllegalArgumentException("the slot's primary is already " + targetPort);
    }
    String sourceId = cluster.node(sourcePort, Jedis::clusterMyId);
    String targetId = cluster.node(targetPort, Jedis::clusterMyId);
    cluster.node(targetPort, j -> j.clusterSetSlotImporting(slot, sourceId));
    cluster.node(sourcePort, j -> j.clusterSetSlotMigrating(slot, targetId));
    int moved = 0;
    while (true) {
      List<String> keys = cluster.node(sourcePort, j -> j.clusterGetKeysInSlot(slot, 100));
      if (keys.isEmpty()) {
        break;
      }
      List<String> args =
          new ArrayList<>(
              List.of("127.0.0.1", Integer.toString(targetPort), "", "0",
                  Integer.toString(MIGRATE_TIMEOUT_MS), "KEYS"));
      args.addAll(keys);
      cluster.node(
          sourcePort, j -> j.sendCommand(Protocol.Command.MIGRATE, args.toArray(String[]::new)));
      moved += keys.size();
    }
    whileMigrating.run();
    cluster.node(targetPort, j -> j.clusterSetSlotNode(slot, targetId));
    cluster.node(sourcePort, j -> j.clusterSetSlotNode(slot, targetId));
    for (int port : cluster.primaries()) {
      if (port != sourcePort && port != targetPort) {
        cluster.node(port, j -> j.clusterSetSlotNode(slot, targetId));
      }
    }
    return moved;
  }
}
