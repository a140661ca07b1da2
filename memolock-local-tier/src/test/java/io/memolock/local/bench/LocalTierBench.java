package io.memolock.local.bench;

import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.local.LocalTier;
import io.memolock.redis.strings.StringStorage;
import io.memolock.testkit.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * A bounded load benchmark of the local tier (about a minute and a half on 2 cores), against a
 * private redis-server it starts and stops. Not a test: its name keeps it out of normal builds.
 * Run it with
 *
 * <pre>
 * ./mvnw -B -pl memolock-local-tier -am verify -Dtest=LocalTierBench
 * </pre>
 *
 * (add {@code -Dbench=throughput} or {@code -Dbench=expiry} for one part). It writes its tables to
 * {@code memolock-local-tier/target/local-tier-bench.md}.
 *
 * <ol>
 *   <li><b>throughput</b>: one hot key read by 8 platform threads for 5 s (after 2 s of warm-up)
 *       with a bare Jedis {@code GET}, a MemoLock remote hit, and a LocalTier near hit.
 *   <li><b>expiry</b>: a hot key with a 2 s TTL and a 100 ms computation, read by 2 instances
 *       (separate clients) x 8 virtual threads, each pausing 100 us between calls, for 10 s (about
 *       five expiries): without the tier, with the tier but no early refresh (beta 0), and with
 *       early refresh (beta 1, the default, and 0.25). It reports the latency distribution of
 *       every call and the computations run.
 * </ol>
 */
public final class LocalTierBench {
  private static final String HOT = "hot";

  /** Where the tables go: the console, and the report file. */
  private static final StringBuilder REPORT = new StringBuilder();

  private static final List<String> DETAILS = new ArrayList<>();

  @Test
  void benchmark() throws Exception {
    main(new String[] {System.getProperty("bench", "all")});
  }

  public static void main(String[] args) throws Exception {
    String part = args.length > 0 ? args[0] : "all";
    TestRedis redis = TestRedis.startPrivate();
    try {
      String version;
      try (RedisClient c = redis.newClient()) {
        version =
            c.info("server").lines()
                .filter(l -> l.startsWith("redis_version:"))
                .findFirst()
                .orElse("redis_version:?")
                .substring("redis_version:".length())
                .strip();
      }
      printf(
          "LocalTierBench: %d cores, JDK %s, Redis %s (%s)%n%n",
          Runtime.getRuntime().availableProcessors(),
          Runtime.version(),
          version,
          redis.serverBinary());
      if (part.equals("all") || part.equals("throughput")) {
        throughput(redis);
      }
      if (part.equals("all") || part.equals("expiry")) {
        expiry(redis);
      }
    } finally {
      redis.stop();
      Path out = Path.of("target", "local-tier-bench.md");
      Files.createDirectories(out.getParent());
      Files.writeString(out, REPORT.toString());
      println("written to " + out.toAbsolutePath());
    }
  }

  private static void printf(String format, Object... args) {
    String s = String.format(Locale.ROOT, format, args);
    System.out.print(s);
    REPORT.append(s);
  }

  private static void println(String line) {
    printf("%s%n", line);
  }

  // ------------------------------------------------------------------------------ throughput

  private static void throughput(TestRedis redis) throws Exception {
    println("## Hot-key read throughput (2 s warm-up, 5 s measured per row)");
    println("");
    println("| read | threads | ops/s | time per op per thread | vs bare GET |");
    println("|---|---:|---:|---:|---:|");
    for (int threads : new int[] {1, 8}) {
      double bare;
      try (RedisClient client = redis.newClient()) {
        client.set("t:" + HOT, "v");
        bare = run(threads, () -> client.get("t:" + HOT));
      }
      row("bare Jedis GET", threads, bare, bare);
      try (RedisClient client = redis.newClient();
          MemoLock<String> lock =
              MemoLock.builder(client, StringStorage.utf8()).tag("t").build()) {
        double remote =
            run(threads, () -> lock.get(HOT, Duration.ofSeconds(5), l -> Computed.of("v")));
        row("MemoLock remote hit", threads, remote, bare);
      }
      try (RedisClient client = redis.newClient();
          LocalTier<String> tier =
              LocalTier.builder()
                  .wrap(MemoLock.builder(client, StringStorage.utf8()).tag("t").build())) {
        awaitActive(tier);
        while (tier.localMetrics().estimatedSize() == 0) {
          tier.getIfPresent(HOT);
        }
        double near =
            run(threads, () -> tier.get(HOT, Duration.ofSeconds(5), l -> Computed.of("v")));
        row("LocalTier near hit", threads, near, bare);
        if (tier.localMetrics().misses() > 1) {
          throw new IllegalStateException("near misses during the run: " + tier.localMetrics());
        }
      }
    }
    println("");
  }

  private static void row(String name, int threads, double opsPerSecond, double bare) {
    double nanosPerOp = threads * 1e9 / opsPerSecond;
    printf(
        "| %s | %d | %,.0f | %s | %.2fx |%n",
        name,
        threads,
        opsPerSecond,
        human((long) nanosPerOp),
        opsPerSecond / bare);
  }

  /** @return operations per second over the measured window */
  private static double run(int threads, Supplier<?> op) throws InterruptedException {
    LongAdder done = new LongAdder();
    AtomicInteger state = new AtomicInteger(); // 0 warm-up, 1 measure, 2 stop
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t =
          Thread.ofPlatform()
              .start(
                  () -> {
                    long local = 0;
                    while (state.get() < 2) {
                      op.get();
                      if (state.get() == 1) {
                        local++;
                      }
                    }
                    done.add(local);
                  });
      workers.add(t);
    }
    Thread.sleep(2_000);
    state.set(1);
    long start = System.nanoTime();
    Thread.sleep(5_000);
    state.set(2);
    long elapsed = System.nanoTime() - start;
    for (Thread t : workers) {
      t.join();
    }
    return done.sum() / (elapsed / 1e9);
  }

  // ------------------------------------------------------------------------------ expiry

  private static void expiry(TestRedis redis) throws Exception {
    println(
        "## A hot key across its expiry (TTL 2 s, computation 100 ms; 2 instances x 8 virtual"
            + " threads, 100 us pause between calls; 10 s)");
    println("");
    println(
        "| setup | calls | p50 | p99 | p99.9 | max | calls > 20 ms | computations | refreshes |");
    println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    expiryRun(redis, "MemoLock, no near cache", -1);
    expiryRun(redis, "LocalTier, no early refresh (beta 0)", 0);
    expiryRun(redis, "LocalTier, early refresh (beta 1)", 1);
    expiryRun(redis, "LocalTier, early refresh (beta 0.25)", 0.25);
    println("");
    println("Timelines:");
    println("");
    for (String d : DETAILS) {
      println("- " + d);
    }
    println("");
  }

  private static void expiryRun(TestRedis redis, String name, double beta) throws Exception {
    redis.flushAll();
    int instances = 2;
    int threadsPerInstance = 8;
    AtomicInteger computations = new AtomicInteger();
    List<RedisClient> clients = new ArrayList<>();
    List<MemoLock<String>> locks = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      RedisClient client = redis.newClient();
      clients.add(client);
      MemoLock<String> lock = MemoLock.builder(client, StringStorage.utf8()).tag("e").build();
      if (beta >= 0) {
        LocalTier<String> tier = LocalTier.builder().refreshBeta(beta).wrap(lock);
        awaitActive(tier);
        locks.add(tier);
      } else {
        locks.add(lock);
      }
    }
    long runNanos = TimeUnit.SECONDS.toNanos(10);
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    ConcurrentLinkedQueue<String> computeTimes = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> slowCalls = new ConcurrentLinkedQueue<>();
    io.memolock.Computation<String> compute =
        l -> {
          int n = computations.incrementAndGet();
          long at = System.nanoTime();
          Thread.sleep(100);
          computeTimes.add(
              String.format(
                  Locale.ROOT,
                  "%.2f-%.2f",
                  (at - start) / 1e9,
                  (System.nanoTime() - start) / 1e9));
          return Computed.of("value-" + n, Duration.ofSeconds(2));
        };
    locks.get(0).get(HOT, Duration.ofSeconds(5), compute);
    while (System.nanoTime() - start < 0) {
      Thread.onSpinWait();
    }
    int capacity = 400_000;
    List<long[]> samples = new ArrayList<>();
    int[] counts = new int[instances * threadsPerInstance];
    CountDownLatch finished = new CountDownLatch(instances * threadsPerInstance);
    int index = 0;
    for (MemoLock<String> lock : locks) {
      for (int t = 0; t < threadsPerInstance; t++) {
        long[] mine = new long[capacity];
        samples.add(mine);
        int slot = index++;
        Thread.ofVirtual()
            .start(
                () -> {
                  int n = 0;
                  try {
                    while (System.nanoTime() - start < runNanos) {
                      long t0 = System.nanoTime();
                      lock.get(HOT, Duration.ofSeconds(5), compute);
                      long took = System.nanoTime() - t0;
                      if (n < capacity) {
                        mine[n++] = took;
                      }
                      if (took > TimeUnit.MILLISECONDS.toNanos(20)) {
                        slowCalls.add(
                            String.format(
                                Locale.ROOT,
                                "%.2f+%.0fms",
                                (t0 - start) / 1e9,
                                took / 1e6));
                      }
                      LockSupport.parkNanos(100_000);
                    }
                  } finally {
                    counts[slot] = n;
                    finished.countDown();
                  }
                });
      }
    }
    finished.await();
    long refreshes = 0;
    for (MemoLock<String> lock : locks) {
      if (lock instanceof LocalTier<String> tier) {
        refreshes += tier.localMetrics().refreshes();
      }
      lock.close();
    }
    for (RedisClient c : clients) {
      c.close();
    }
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int k = 0;
    for (int i = 0; i < samples.size(); i++) {
      System.arraycopy(samples.get(i), 0, all, k, counts[i]);
      k += counts[i];
    }
    Arrays.sort(all);
    long slow = Arrays.stream(all).filter(x -> x > TimeUnit.MILLISECONDS.toNanos(20)).count();
    printf(
        "| %s | %,d | %s | %s | %s | %s | %,d | %d | %s |%n",
        name,
        total,
        human(all[total / 2]),
        human(all[(int) (total * 0.99)]),
        human(all[(int) (total * 0.999)]),
        human(all[total - 1]),
        slow,
        computations.get(),
        beta >= 0 ? Long.toString(refreshes) : "-");
    DETAILS.add(
        name
            + ": computations (s from start) "
            + String.join(", ", computeTimes)
            + "; calls > 20 ms (start s + duration) "
            + (slowCalls.size() <= 24
                ? String.join(", ", slowCalls)
                : slowCalls.size() + " calls, first " + slowCalls.peek()));
  }

  private static String human(long nanos) {
    if (nanos < 1_000) {
      return nanos + " ns";
    }
    if (nanos < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
    }
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }

  private static void awaitActive(LocalTier<?> tier) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!tier.localMetrics().active()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the near cache did not become active");
      }
      Thread.sleep(1);
    }
  }
}
