package io.memolock.redis.zset;

import io.memolock.testkit.TestRedis;
import io.memolock.testkit.TestResources;
import io.memolock.testkit.WithRedis;
import org.junit.jupiter.api.BeforeEach;
import redis.clients.jedis.RedisClient;

/**
 * This module's helpers over {@link WithRedis}: the shared Redis, emptied before each test, and what the test opens,
 * closed after it. Not thread-safe: one instance per test, used from its thread.
 */
@WithRedis
abstract class RedisFixture {
  static final TestRedis REDIS = TestRedis.shared();

  RedisClient redis;
  private TestResources opened;

  @BeforeEach
  void openRedis(RedisClient client, TestResources resources) {
    redis = client;
    opened = resources;
  }

  /** A new default-configured client, closed after the test. */
  RedisClient client() {
    return opened.newClient();
  }

  <T extends AutoCloseable> T track(T closeable) {
    return opened.track(closeable);
  }
}
