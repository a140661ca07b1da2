package io.memolock.benchmarks;

import io.memolock.examples.RedisStats;
import io.memolock.testkit.TestRedisCluster;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The real local Redis Cluster of the testkit ({@link TestRedisCluster}: 3 primaries and 3
 * replicas of {@code redis-server} on loopback), started by this JVM. Clients are {@code
 * RedisClusterClient}s with Jedis's default pools (one per node); statistics are read from every
 * primary. Thread-safe.
 */
final class ClusterTarget implements Target {
  private final TestRedisCluster cluster;

  private ClusterTarget(TestRedisCluster cluster) {
    this.cluster = cluster;
  }

  /** @return the cluster of this JVM, started on first use (a few seconds) */
  static ClusterTarget start() {
    return new ClusterTarget(TestRedisCluster.shared());
  }

  @Override
  public UnifiedJedis newClient(int pool) {
    return cluster.newClient(); // per-node pools of Jedis's default size; --pool is not applied
  }

  @Override
  public Map<String, RedisStats> stats() {
    Map<String, RedisStats> out = new LinkedHashMap<>();
    for (int port : cluster.primaries()) {
      try (RedisClient node = RedisClient.create("127.0.0.1", port)) {
        out.put("127.0.0.1:" + port, RedisStats.take(node));
      }
    }
    return out;
  }

  @Override
  public boolean cluster() {
    return true;
  }

  /** Measures the floor on the first primary, with a key of one of its own slots. */
  @Override
  public Floor floor(int samples) throws Exception {
    int port = port();
    for (int i = 0; i < 1_000; i++) {
      String key = "floor:" + UUID.randomUUID();
      if (cluster.primaryOf(key) == port) {
        return Floor.measure("127.0.0.1", port, samples, key);
      }
    }
    throw new IllegalStateException("no key of 1,000 falls on the primary on port " + port);
  }

  @Override
  public String describe() {
    List<Integer> primaries = cluster.primaries();
    return "local Redis Cluster, 3 primaries " + primaries + " + 3 replicas (started by this run)";
  }

  @Override
  public String host() {
    return "127.0.0.1";
  }

  @Override
  public int port() {
    return cluster.primaries().get(0);
  }

  /** The cluster is stopped with its processes at JVM exit (it is shared within the JVM). */
  @Override
  public void stop() {}
}
