package io.memolock.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClusterClient;

class TestRedisClusterTest {

  @Test
  void aRealClusterOfThreePrimariesWithOneReplicaEachServesEverySlot() {
    TestRedisCluster cluster = TestRedisCluster.shared();
    assertEquals(6, cluster.ports().size());
    assertEquals(3, cluster.primaries().size());
    try (RedisClusterClient client = cluster.newClient()) {
      for (int i = 0; i < 30; i++) {
        client.set("testkit:" + i, "v" + i);
        assertEquals("v" + i, client.get("testkit:" + i));
      }
    }
    int primary = cluster.primaryOf("testkit:1");
    assertNotEquals(primary, cluster.replicaOf(primary));
  }
}
