package io.memolock.internal;

import io.memolock.FailurePolicy;
import io.memolock.spi.KeyScheme;
import io.memolock.testkit.RedisProbes;
import io.memolock.testkit.TestRedis;
import io.memolock.testkit.TestResources;
import io.memolock.testkit.WithRedis;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import redis.clients.jedis.RedisClient;

/**
 * The engine tests' helpers over {@link WithRedis}: the shared Redis, emptied before each test, and engines of the
 * test storage, closed after it. Not thread-safe: one instance per test, used from its thread.
 */
@WithRedis
abstract class EngineFixture {
  static final TestRedis REDIS = TestRedis.shared();

  RedisClient redis;
  private TestResources opened;

  @BeforeEach
  void openRedis(RedisClient client, TestResources resources) {
    redis = client;
    opened = resources;
  }

  RedisClient client() {
    return opened.newClient();
  }

  Engine<String> engine(RedisClient client, String tag) {
    Settings settings =
        new Settings(
            tag,
            Duration.ofSeconds(5),
            Duration.ofMinutes(5),
            KeyScheme.classic(),
            true,
            FailurePolicy.PROPAGATE,
            null,
            0,
            Thread.ofVirtual().factory());
    return track(new Engine<>(client, TestStorage.utf8(), settings));
  }

  <T extends AutoCloseable> T track(T closeable) {
    return opened.track(closeable);
  }

  static void await(String what, BooleanSupplier condition) {
    RedisProbes.await(what, condition);
  }
}
