package io.memolock.benchmarks.jmh;

import io.memolock.Computation;
import io.memolock.IdComputation;
import io.memolock.MemoLock;
import io.memolock.benchmarks.BenchRedis;
import io.memolock.redis.strings.StringStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.infra.Blackhole;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * {@code getAll} of {@link #ids} cached ids against as many sequential {@code get}s of the same
 * ids, on the same default-configured client: one operation is all the ids either way, so the
 * throughputs compare directly (target: {@code getAll} at least 10x).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BulkGetBenchmark {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Computation<String> NEVER =
      lease -> {
        throw new IllegalStateException("the value is cached: no computation expected");
      };
  private static final IdComputation<String> NEVER_BULK =
      (id, lease) -> {
        throw new IllegalStateException("the value is cached: no computation expected");
      };

  /** How many ids one operation reads. */
  @Param({"100"})
  public int ids;

  private BenchRedis redis;
  private RedisClient client;
  private MemoLock<String> memoLock;
  private final List<String> idList = new ArrayList<>();

  /** Starts (or finds) Redis and caches the values. */
  @Setup(Level.Trial)
  public void setUp() {
    redis = BenchRedis.obtain();
    client = RedisClient.create(redis.host(), redis.port());
    memoLock = MemoLock.builder(client, StringStorage.utf8()).tag("jmh-bulk").build();
    for (int i = 0; i < ids; i++) {
      idList.add("k" + i);
      client.set("jmh-bulk:k" + i, "v".repeat(100), SetParams.setParams().px(3_600_000));
    }
  }

  /** Stops what setUp started. */
  @TearDown(Level.Trial)
  public void tearDown() {
    memoLock.close();
    client.close();
    redis.stop();
  }

  /** @return every id's value, in one {@code getAll} */
  @Benchmark
  public Map<String, String> getAll() {
    return memoLock.getAll(idList, TIMEOUT, NEVER_BULK);
  }

  /** Every id's value, one {@code get} after the other. */
  @Benchmark
  public void sequentialGets(Blackhole sink) {
    for (String id : idList) {
      sink.consume(memoLock.get(id, TIMEOUT, NEVER));
    }
  }
}
