package io.memolock.benchmarks;

import io.memolock.testkit.TestRedis;
import java.net.URI;

/**
 * The Redis a benchmark uses: the one named by the system property {@value #PROPERTY} (or the
 * environment variable {@code MEMOLOCK_BENCH_REDIS}), else a private {@code redis-server} started on
 * a free loopback port by the testkit (stopped at JVM exit).
 *
 * @param uri where it listens
 * @param owned the server this JVM started, or {@code null} for a given URI
 */
public record BenchRedis(URI uri, TestRedis owned) {
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

  /** @return the host */
  public String host() {
    return uri.getHost();
  }

  /** @return the port */
  public int port() {
    return uri.getPort() == -1 ? 6379 : uri.getPort();
  }

  /** Stops the server if this JVM started it. */
  public void stop() {
    if (owned != null) {
      owned.stop();
    }
  }
}
