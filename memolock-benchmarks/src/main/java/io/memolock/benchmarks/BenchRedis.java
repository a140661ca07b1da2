package io.memolock.benchmarks;

import io.memolock.examples.RedisStats;
import io.memolock.testkit.TestRedis;
import java.net.URI;
import java.util.Map;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Redis a benchmark uses: the one named by the system property {@value #PROPERTY} (or the
 * environment variable {@code MEMOLOCK_BENCH_REDIS}), else a private {@code redis-server} started on
 * a free loopback port by the testkit (stopped at JVM exit).
 *
 * @param uri where it listens
 * @param owned the server this JVM started, or {@code null} for a given URI
 */
public record BenchRedis(URI uri, TestRedis owned) implements Target {
  /** The system property naming an existing Redis, as {@code redis://HOST:PORT}. */
  public static final String PROPERTY = "memolock.bench.redis";

  /** @return the Redis to use */
  public static BenchRedis obtain() {
    String given = System.getProperty(PROPERTY, System.getenv("MEMOLOCK_BENCH_REDIS"));
    if (given != null && !given.isBlank()) {
      return new BenchRedis(URI.create(given.strip()), null);
    }
    TestRedis redis = TestRedis.startPrivate();
    return new BenchRedis(redis.uri(), redis);
  }

  @Override
  public UnifiedJedis newClient(int pool) {
    if (pool <= 0) {
      return RedisClient.create(host(), port());
    }
    ConnectionPoolConfig config = new ConnectionPoolConfig();
    config.setMaxTotal(pool);
    config.setMaxIdle(pool);
    return RedisClient.builder().hostAndPort(host(), port()).poolConfig(config).build();
  }

  @Override
  public Map<String, RedisStats> stats() {
    try (RedisClient admin = RedisClient.create(host(), port())) {
      return Map.of(host() + ":" + port(), RedisStats.take(admin));
    }
  }

  @Override
  public boolean cluster() {
    return false;
  }

  @Override
  public Floor floor(int samples) throws Exception {
    return Floor.measure(host(), port(), samples, "floor:" + java.util.UUID.randomUUID());
  }

  @Override
  public String describe() {
    return "Redis " + uri + (owned != null ? " (started by this run)" : " (given)");
  }

  /** @return the host */
  @Override
  public String host() {
    return uri.getHost();
  }

  /** @return the port */
  @Override
  public int port() {
    return uri.getPort() == -1 ? 6379 : uri.getPort();
  }

  /** Stops the server if this JVM started it. */
  @Override
  public void stop() {
    if (owned != null) {
      owned.stop();
    }
  }
}
