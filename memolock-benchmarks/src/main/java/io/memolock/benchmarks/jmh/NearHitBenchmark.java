package io.memolock.benchmarks.jmh;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.memolock.MemoLock;
import io.memolock.benchmarks.BenchRedis;
import io.memolock.local.LocalTier;
import io.memolock.redis.strings.StringStorage;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * A near-cache hit through the local tier against the bare Caffeine lookup it is built on, and a
 * remote hit through the same MemoLock without the tier: what the tier costs over Caffeine, and
 * what it saves over Redis.
 *
 * <p>{@code nearHit} reads a value without a recorded computation time (no early refresh possible);
 * {@code nearHitXFetch} one with a recorded computation time of 5 ms and a TTL of an hour, so that
 * every hit makes the early-refresh decision (never due this far from expiry); {@code
 * nearGetIfPresent} the same near copy without a computation. {@code clockRead} is one {@code
 * System.nanoTime()}: a near hit must read the clock once (a near copy never outlives the value in
 * Redis), so it is the floor of a hit above {@code bareCaffeine}; {@code bareCaffeineExpiring} is
 * Caffeine with a TTL of its own ({@code expireAfterWrite}), which reads the clock on every hit too. Not thread-safe: JMH's state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NearHitBenchmark {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private BenchRedis redis;
  private RedisClient client;
  private MemoLock<String> remote;
  private LocalTier<String> tier;
  private Cache<String, String> caffeine;
  private Cache<String, String> caffeineExpiring;

  /** Starts (or finds) Redis, caches the value and lets the tier hold it. */
  @Setup(Level.Trial)
  public void setUp() throws InterruptedException {
    redis = BenchRedis.obtain();
    client = RedisClient.create(redis.host(), redis.port());
    String value = "v".repeat(100);
    client.set("jmh-near:key", value, SetParams.setParams().px(3_600_000));
    client.set("jmh-near:timed", value, SetParams.setParams().px(3_600_000));
    client.set("jmh-near/xfetch:timed", "5", SetParams.setParams().px(3_600_000));
    remote = MemoLock.builder(client, StringStorage.utf8()).tag("jmh-near").build();
    tier = LocalTier.builder().maximumSize(10_000).wrap(remote);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (tier.localMetrics().hits() == 0) { // near entries are kept once tracking is on
      tier.get("key", TIMEOUT, lease -> {
        throw new IllegalStateException("the value is cached: no computation expected");
      });
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("the local tier never served a near hit");
      }
      Thread.sleep(10);
    }
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long hits = tier.localMetrics().hits();
    while (tier.localMetrics().hits() == hits) {
      tier.get("timed", TIMEOUT, lease -> {
        throw new IllegalStateException("the value is cached: no computation expected");
      });
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("the local tier never served a near hit of \"timed\"");
      }
      Thread.sleep(10);
    }
    caffeine = Caffeine.newBuilder().maximumSize(10_000).build();
    caffeine.put("key", value);
    caffeineExpiring =
        Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofHours(1)).build();
    caffeineExpiring.put("key", value);
  }

  /** Stops what setUp started. */
  @TearDown(Level.Trial)
  public void tearDown() {
    tier.close();
    client.close();
    redis.stop();
  }

  /** @return the value, from the near cache */
  @Benchmark
  public String nearHit() {
    return tier.get(
        "key",
        TIMEOUT,
        lease -> {
          throw new IllegalStateException("the value is cached: no computation expected");
        });
  }

  /** @return the value (with a recorded computation time: XFetch decides), from the near cache */
  @Benchmark
  public String nearHitXFetch() {
    return tier.get(
        "timed",
        TIMEOUT,
        lease -> {
          throw new IllegalStateException("the value is cached: no computation expected");
        });
  }

  /** @return the value, from the near cache, without a computation */
  @Benchmark
  public Optional<String> nearGetIfPresent() {
    return tier.getIfPresent("key");
  }

  /** @return one clock read, the floor of a near hit above Caffeine's lookup */
  @Benchmark
  public long clockRead() {
    return System.nanoTime();
  }

  /** @return the value, from a bare Caffeine cache */
  @Benchmark
  public String bareCaffeine() {
    return caffeine.getIfPresent("key");
  }

  /** @return the value, from a bare Caffeine cache with a TTL (it reads the clock on every hit) */
  @Benchmark
  public String bareCaffeineExpiring() {
    return caffeineExpiring.getIfPresent("key");
  }

  /** @return the value, from Redis through MemoLock without the tier */
  @Benchmark
  public String remoteHit() {
    return remote.get(
        "key",
        TIMEOUT,
        lease -> {
          throw new IllegalStateException("the value is cached: no computation expected");
        });
  }
}
