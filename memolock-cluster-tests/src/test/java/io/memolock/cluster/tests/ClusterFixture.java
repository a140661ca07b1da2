package io.memolock.cluster.tests;

import io.memolock.MemoLock;
import io.memolock.redis.strings.StringStorage;
import io.memolock.spi.KeyScheme;
import io.memolock.testkit.TestRedisCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import redis.clients.jedis.RedisClusterClient;

/** One real local cluster per test JVM; each test closes what it opened and starts healthy. */
abstract class ClusterFixture {
  static final TestRedisCluster CLUSTER = TestRedisCluster.shared();

  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeEach
  void healthy() {
    CLUSTER.awaitHealthy();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    opened.clear();
  }

  /** A new default-configured cluster client, closed after the test. */
  RedisClusterClient client() {
    return track(CLUSTER.newClient());
  }

  /** A MemoLock with default settings but the lock timeout, on a client of its own. */
  MemoLock<String> instance(String tag, Duration lockTimeout) {
    return track(
        MemoLock.builder(client(), StringStorage.utf8()).tag(tag).lockTimeout(lockTimeout).build());
  }

  <T extends AutoCloseable> T track(T closeable) {
    opened.add(closeable);
    return closeable;
  }

  static String newId() {
    return "id-{" + UUID.randomUUID() + "}%";
  }

  static String valueKey(String tag, String id) {
    return KeyScheme.cluster().valueKey(tag, id);
  }
}
