package io.memolock.local;

import io.memolock.MemoLock;
import io.memolock.redis.strings.StringStorage;
import io.memolock.testkit.TestRedis;
import io.memolock.testkit.TestResources;
import io.memolock.testkit.WithRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * This module's helpers over {@link WithRedis}: the shared Redis, emptied before each test, and tiers that serve,
 * closed after it. Not thread-safe: one instance per test, used from its thread.
 */
@WithRedis
abstract class LocalTierFixture {
  static final TestRedis REDIS = TestRedis.shared();
  /**
   * How long an invalidation may take to stop an old value in a test: the product's promise
   * (measured: a few milliseconds), with room for a loaded machine.
   */
  static final Duration INVALIDATION_BOUND = Duration.ofSeconds(2);

  /** How long any other asynchronous effect (a reconnection, a background refresh) may take. */
  static final Duration BOUND = Duration.ofSeconds(5);

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

  MemoLock<String> memoLock(RedisClient client, String tag) {
    return MemoLock.builder(client, StringStorage.utf8())
        .tag(tag)
        .lockTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** A tier on its own client, serving (its invalidation stream up), closed after the test. */
  LocalTier<String> tier(String tag) throws InterruptedException {
    return tier(client(), tag, LocalTier.builder());
  }

  LocalTier<String> tier(RedisClient client, String tag, LocalTierBuilder builder)
      throws InterruptedException {
    LocalTier<String> tier = track(builder.wrap(memoLock(client, tag)));
    awaitActive(tier);
    return tier;
  }

  <T extends AutoCloseable> T track(T closeable) {
    return opened.track(closeable);
  }

  static void awaitActive(LocalTier<?> tier) throws InterruptedException {
    await("the near cache serves", () -> tier.localMetrics().active());
  }

  /** Polls until the condition holds; fails after {@link #BOUND}. Returns the time it took. */
  static Duration await(String what, BooleanSupplier condition) throws InterruptedException {
    return await(what, BOUND, condition);
  }

  /** Polls until the condition holds; fails after {@code bound}. Returns the time it took. */
  static Duration await(String what, Duration bound, BooleanSupplier condition)
      throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + bound.toMillis() + " ms: " + what);
      }
      Thread.sleep(1);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /**
   * Reads {@code id} until the near cache holds it. A value this JVM has just written is kept from
   * the next read on: the invalidation of its own write cancels the fill that wrote it.
   */
  static void awaitNear(LocalTier<?> tier, String id) throws InterruptedException {
    await("the near cache holds " + id, () -> {
      tier.getIfPresent(id).orElseThrow(() -> new AssertionError(id + " is not in Redis"));
      return impl(tier).isNear(id);
    });
  }

  static LocalTierImpl<?> impl(LocalTier<?> tier) {
    return (LocalTierImpl<?>) tier;
  }

  @SuppressWarnings("deprecation")
  static String clientList(UnifiedJedis redis) {
    Object reply = redis.sendCommand(Protocol.Command.CLIENT, "LIST");
    return reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
  }

  @SuppressWarnings("deprecation")
  static void killClient(UnifiedJedis redis, long id) {
    redis.sendCommand(Protocol.Command.CLIENT, "KILL", "ID", Long.toString(id));
  }

  /** @return how many GET commands the server has run (INFO commandstats) */
  @SuppressWarnings("deprecation")
  static long serverGets(UnifiedJedis redis) {
    Object reply = redis.sendCommand(Protocol.Command.INFO, "commandstats");
    String info = reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
    return info.lines()
        .filter(l -> l.startsWith("cmdstat_get:"))
        .findFirst()
        .map(l -> Long.parseLong(l.replaceAll(".*calls=(\\d+).*", "$1")))
        .orElse(0L);
  }

  static <T> T never(String what) {
    throw new AssertionError("must not " + what);
  }

  static void sleepMillis(long ms) {
    try {
      TimeUnit.MILLISECONDS.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
