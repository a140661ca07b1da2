package io.memolock.benchmarks.jmh;

import io.memolock.BulkComputation;
import io.memolock.Computed;
import io.memolock.IdComputation;
import io.memolock.MemoLock;
import io.memolock.benchmarks.BenchRedis;
import io.memolock.redis.strings.StringStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import redis.clients.jedis.RedisClient;

/**
 * {@code getAll} of {@link #ids} cold ids, each computed in {@link #computeMillis} ms, against one
 * cold {@code get} with the same computation (the floor: one computation's time) in the same run.
 * Single shot: every invocation asks for ids nobody has asked for before (target: {@code
 * getAll} in about one computation's time, not {@code ids} of them). {@code getAllColdGathering}
 * computes them with one bulk call per gathering instead of one call per id.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
public class BulkColdBenchmark {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** How many cold ids one {@code getAll} asks for. */
  @Param({"100"})
  public int ids;

  /** How long each computation takes. */
  @Param({"50"})
  public long computeMillis;

  /** The gathering's linger, in milliseconds ({@code getAllColdGathering} only). */
  @Param({"5"})
  public long lingerMillis;

  private BenchRedis redis;
  private RedisClient client;
  private MemoLock<String> memoLock;
  private long round;
  private List<String> cold;
  private IdComputation<String> gathering;
  private final java.util.concurrent.atomic.AtomicLong bulkCalls = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong gatheringOps = new java.util.concurrent.atomic.AtomicLong();

  /** Starts (or finds) Redis. */
  @Setup(Level.Trial)
  public void setUp() {
    redis = BenchRedis.obtain();
    client = RedisClient.create(redis.host(), redis.port());
    memoLock = MemoLock.builder(client, StringStorage.utf8()).tag("jmh-cold").build();
    gathering =
        BulkComputation.gathering(
            leases -> {
              bulkCalls.incrementAndGet();
              Thread.sleep(computeMillis); // one call for all, as one SQL IN query would be
              Map<String, Computed<String>> out = new HashMap<>();
              leases.keySet().forEach(id -> out.put(id, Computed.of("v-" + id, Duration.ofMinutes(1))));
              return out;
            },
            Duration.ofMillis(lingerMillis),
            BulkComputation.DEFAULT_MAX_IDS);
  }

  /** Fresh ids for every invocation. */
  @Setup(Level.Invocation)
  public void freshIds() {
    round++;
    cold = new ArrayList<>(ids);
    for (int i = 0; i < ids; i++) {
      cold.add("r" + round + "-" + i);
    }
  }

  /** Stops what setUp started. */
  @TearDown(Level.Trial)
  public void tearDown() {
    if (gatheringOps.get() > 0) {
      System.out.printf(
          "%nbulk calls per getAllColdGathering: %.2f (%d calls, %d invocations)%n",
          (double) bulkCalls.get() / gatheringOps.get(), bulkCalls.get(), gatheringOps.get());
    }
    memoLock.close();
    client.close();
    redis.stop();
  }

  private Computed<String> compute(String id) throws InterruptedException {
    Thread.sleep(computeMillis);
    return Computed.of("v-" + id, Duration.ofMinutes(1));
  }

  /** @return every cold id's value, computed concurrently */
  @Benchmark
  public Map<String, String> getAllCold() {
    return memoLock.getAll(cold, TIMEOUT, (id, lease) -> compute(id));
  }

  /**
   * @return every cold id's value, computed by one bulk call per gathering ({@link
   *     BulkComputation#gathering}, default linger): one computation's time for all
   */
  @Benchmark
  public Map<String, String> getAllColdGathering() {
    gatheringOps.incrementAndGet();
    return memoLock.getAll(cold, TIMEOUT, gathering);
  }

  /** @return one cold id's value: the floor */
  @Benchmark
  public String oneColdGet() {
    String id = cold.get(0);
    return memoLock.get(id, TIMEOUT, lease -> compute(id));
  }
}
