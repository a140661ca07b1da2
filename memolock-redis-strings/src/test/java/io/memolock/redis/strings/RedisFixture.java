package io.memolock.redis.strings;

import io.memolock.MemoLock;
import io.memolock.MemoLockBuilder;
import io.memolock.testkit.TestRedis;
import io.memolock.testkit.TestResources;
import io.memolock.testkit.WithRedis;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import redis.clients.jedis.RedisClient;

/**
 * This module's helpers over {@link WithRedis}: the shared Redis, emptied before each test, and MemoLocks of {@link
 * StringStorage}, closed after it. Not thread-safe: one instance per test, used from its thread.
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

  MemoLockBuilder<String> builder(RedisClient client, String tag) {
    return MemoLock.builder(client, StringStorage.utf8()).tag(tag);
  }

  /** A MemoLock closed after the test. */
  MemoLock<String> memoLock(RedisClient client, String tag) {
    return track(builder(client, tag).lockTimeout(Duration.ofSeconds(5)).build());
  }

  <T extends AutoCloseable> T track(T closeable) {
    return opened.track(closeable);
  }
}
