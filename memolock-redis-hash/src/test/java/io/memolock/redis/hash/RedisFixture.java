package io.memolock.redis.hash;

import io.memolock.testkit.TestRedis;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import redis.clients.jedis.RedisClient;

/** One real Redis per test JVM; every test starts on an empty database and closes what it opened. */
abstract class RedisFixture {
  static final TestRedis REDIS = TestRedis.shared();

  private final List<AutoCloseable> opened = new ArrayList<>();
  RedisClient redis;

  @BeforeEach
  void openRedis() {
    REDIS.flushAll();
    redis = client();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    opened.clear();
  }

  /** A new default-configured client, closed after the test. */
  RedisClient client() {
    return track(REDIS.newClient());
  }

  <T extends AutoCloseable> T track(T closeable) {
    opened.add(closeable);
    return closeable;
  }
}
