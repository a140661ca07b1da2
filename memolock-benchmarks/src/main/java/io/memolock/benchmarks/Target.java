package io.memolock.benchmarks;

import io.memolock.examples.RedisStats;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;

/**
 * Where the load runner's clients connect: one standalone Redis ({@link BenchRedis}) or a real
 * local Redis Cluster ({@link ClusterTarget}). Thread-safe.
 */
interface Target {
  /**
   * @param pool connections per pool (0: Jedis's default)
   * @return a new client (a {@code RedisClient}, or a {@code RedisClusterClient} on a cluster);
   *     the caller closes it
   */
  UnifiedJedis newClient(int pool);

  /** @return {@code INFO commandstats} and {@code INFO cpu} of every primary, by "host:port" */
  Map<String, RedisStats> stats();

  /** @return whether this is a Redis Cluster (MemoLock then uses its cluster key scheme) */
  boolean cluster();

  /**
   * @param samples how many of each measurement
   * @return the machine's floor, measured on one node
   * @throws Exception if Redis fails
   */
  Floor floor(int samples) throws Exception;

  /** @return one line saying what this is, for the log and the report */
  String describe();

  /** @return host of one node (for facts about the server) */
  String host();

  /** @return port of that node */
  int port();

  /** Stops what this JVM started. */
  void stop();

  /**
   * @param before earlier snapshots, by node
   * @param after later snapshots, by node
   * @return commands per node executed in between, without set-up and INFO
   */
  static Map<String, Long> commandsSince(Map<String, RedisStats> before, Map<String, RedisStats> after) {
    Map<String, Long> out = new java.util.TreeMap<>();
    after.forEach(
        (node, a) -> {
          RedisStats b = before.get(node);
          if (b != null) {
            out.put(node, a.commandsSince(b));
          }
        });
    return out;
  }

  /** @return calls of one command summed over the nodes, between two snapshots */
  static long callsSince(Map<String, RedisStats> before, Map<String, RedisStats> after, String name) {
    long total = 0;
    for (Map.Entry<String, RedisStats> e : after.entrySet()) {
      RedisStats b = before.get(e.getKey());
      if (b != null) {
        total += e.getValue().calls().getOrDefault(name, 0L) - b.calls().getOrDefault(name, 0L);
      }
    }
    return total;
  }
}
