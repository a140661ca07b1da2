package io.memolock.internal;

import io.memolock.FailurePolicy;
import io.memolock.spi.KeyScheme;
import io.memolock.testkit.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import redis.clients.jedis.RedisClient;

/** One real Redis per test JVM; every test starts on an empty database and closes what it opened. */
abstract class EngineFixture {
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

  RedisClient client() {
    return track(REDIS.newClient());
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
    return track(new Engine<>(client, new Utf8Storage(), settings));
  }

  <T extends AutoCloseable> T track(T closeable) {
    opened.add(closeable);
    return closeable;
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within 5 s: " + what);
      }
      Thread.sleep(5);
    }
  }
}
