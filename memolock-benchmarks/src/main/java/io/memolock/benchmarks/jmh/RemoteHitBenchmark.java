package io.memolock.benchmarks.jmh;

import io.memolock.MemoLock;
import io.memolock.benchmarks.BenchRedis;
import io.memolock.redis.strings.StringStorage;
import io.memolock.spi.Codec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * A remote hit through MemoLock against a bare Jedis {@code GET} (plus the same UTF-8 decode) of the
 * same cached key, on the same default-configured client, at the same concurrency (JMH's {@code
 * -t}). Both read one key, so MemoLock may coalesce concurrent reads of it in this JVM; the bare GET
 * cannot.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RemoteHitBenchmark {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** The value's size in bytes. */
  @Param({"100"})
  public int valueBytes;

  private BenchRedis redis;
  private RedisClient client;
  private MemoLock<String> memoLock;
  private byte[] rawKey;
  private final Codec<String> codec = Codec.utf8();

  /** Starts (or finds) Redis and caches the value. */
  @Setup(Level.Trial)
  public void setUp() {
    redis = BenchRedis.obtain();
    client = RedisClient.create(redis.host(), redis.port());
    memoLock = MemoLock.builder(client, StringStorage.utf8()).tag("jmh-hit").build();
    String value = "v".repeat(valueBytes);
    client.set("jmh-hit:key", value, SetParams.setParams().px(3_600_000));
    rawKey = "jmh-hit:key".getBytes(StandardCharsets.UTF_8);
  }

  /** Stops what setUp started. */
  @TearDown(Level.Trial)
  public void tearDown() {
    memoLock.close();
    client.close();
    redis.stop();
  }

  /** @return the value, through MemoLock */
  @Benchmark
  public String memoLockGet() {
    return memoLock.get(
        "key",
        TIMEOUT,
        lease -> {
          throw new IllegalStateException("the value is cached: no computation expected");
        });
  }

  /** @return the value, through a bare GET and the same decoding */
  @Benchmark
  public String bareJedisGet() {
    return codec.decode(client.get(rawKey));
  }

  /** @return MemoLock's read without waiting ({@code getIfPresent}: one GET, no flight) */
  @Benchmark
  public Object memoLockGetIfPresent() {
    return memoLock.getIfPresent("key");
  }
}
