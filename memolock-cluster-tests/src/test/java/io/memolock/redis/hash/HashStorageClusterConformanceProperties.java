package io.memolock.redis.hash;

import io.memolock.cluster.tests.ClusterConformance;
import io.memolock.spi.KeyScheme;
import io.memolock.testkit.TestRedisCluster;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * The storage conformance suite for {@link HashStorage}, as its module runs it ({@link
 * HashStorageConformanceProperties}, from that module's test-jar), on a real Redis Cluster through
 * default-configured {@code RedisClusterClient}s. In the storage's package because the suite's
 * class is package-private there.
 */
class HashStorageClusterConformanceProperties extends HashStorageConformanceProperties {

  @Override
  protected UnifiedJedis newClient() {
    return TestRedisCluster.shared().newClient();
  }

  @Override
  protected KeyScheme keyScheme() {
    return KeyScheme.cluster();
  }

  @Override
  protected List<String> idsReadTogether(int count) {
    return ClusterConformance.idsInOneSlot(count, () -> newId(), id -> keys(id).value());
  }
}
