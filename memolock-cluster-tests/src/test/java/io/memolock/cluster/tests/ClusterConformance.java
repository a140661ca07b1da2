package io.memolock.cluster.tests;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * What every storage's conformance suite changes to run on the real cluster: its clients and the
 * ids it reads in one batch. Each storage's cluster subclass (here, and beside the storage's own
 * suite in its package) delegates to this. Stateless.
 */
public final class ClusterConformance {
  private ClusterConformance() {}

  /**
   * @param count how many
   * @param newId makes a fresh id
   * @param valueKey an id's value key
   * @return fresh ids whose value keys share a hash slot, so that one MGET may read them
   */
  public static List<String> idsInOneSlot(
      int count, Supplier<String> newId, Function<String, String> valueKey) {
    List<String> ids = new ArrayList<>(List.of(newId.get()));
    int slot = JedisClusterCRC16.getSlot(valueKey.apply(ids.get(0)));
    while (ids.size() < count) {
      String id = newId.get();
      if (JedisClusterCRC16.getSlot(valueKey.apply(id)) == slot) {
        ids.add(id);
      }
    }
    return ids;
  }
}
