package io.memolock.cluster.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.internal.Engine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.util.JedisClusterCRC16;

/** {@code getAll} on a real cluster: no multi-key command spans slots; ids in one slot share one. */
class ClusterBulkGetTest extends ClusterFixture {

  @Test
  void cachedIdsInManySlotsAreServedAndIdsSharingASlotShareOneMget() {
    String tag = "bulk";
    MemoLock<String> lock = instance(tag, Duration.ofSeconds(5));
    RedisClusterClient writer = client();
    // Ids spread over the slots (so over every primary), plus two that share a slot.
    String prefix = UUID.randomUUID().toString();
    List<String> ids = new ArrayList<>();
    Map<Integer, String> bySlot = new HashMap<>();
    String[] pair = null;
    for (int i = 0; pair == null || ids.size() < 40; i++) {
      String id = prefix + "-" + i;
      int slot = JedisClusterCRC16.getSlot(valueKey(tag, id));
      String earlier = bySlot.putIfAbsent(slot, id);
      if (earlier != null && pair == null) {
        pair = new String[] {earlier, id};
      } else if (earlier == null && ids.size() < 40) {
        ids.add(id);
      }
    }
    ids.add(pair[1]); // pair[0] is among the ids already, or added now
    if (!ids.contains(pair[0])) {
      ids.add(pair[0]);
    }
    for (String id : ids) {
      writer.set(valueKey(tag, id), "v-" + id);
    }
    String cold = prefix + "-cold";
    while (bySlot.containsKey(JedisClusterCRC16.getSlot(valueKey(tag, cold)))) {
      cold = cold + "x"; // alone in its slot, so that exactly one slot holds two ids
    }
    ids.add(cold);
    CLUSTER.resetStats();
    Map<String, String> values =
        lock.getAll(ids, Duration.ofSeconds(10), (id, lease) -> Computed.of("computed"));
    assertEquals(ids, new ArrayList<>(values.keySet()));
    for (String id : ids) {
      assertEquals(id.equals(cold) ? "computed" : "v-" + id, values.get(id));
    }
    assertEquals(1, CLUSTER.commandCount("mget"), "one MGET: the two ids sharing a slot");
    assertTrue(CLUSTER.commandCount("get") >= ids.size() - 2, "the others: a GET each");
    assertEquals(0, ((Engine<?>) lock).activeFlights());
  }
}
