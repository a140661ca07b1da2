package io.memolock.redis.zset;

import io.memolock.cluster.tests.ClusterConformance;
import io.memolock.spi.KeyScheme;
import io.memolock.testkit.TestRedisCluster;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * The storage conformance suite for {@link SortedSetStorage}, as its module runs it ({@link
 * SortedSetStorageConformanceProperties}, from that module's test-jar), on a real Redis Cluster through
 * default-configured {@code RedisClusterClient}s. In the storage's package because the suite's
 * class is package-private there.
 */
class SortedSetStorageClusterConformanceProperties extends SortedSetStorageConformanceProperties {

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
