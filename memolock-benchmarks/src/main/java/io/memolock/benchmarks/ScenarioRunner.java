package io.memolock.benchmarks;

import io.memolock.examples.Percentiles;
import io.memolock.examples.RedisStats;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * The load runner's inner loop: one contender through one scenario, on fresh clients (one per
 * instance) and a fresh key prefix, every thread bounded by the run's time limit. Besides latency
 * and throughput it reads every primary's {@code INFO commandstats} and {@code INFO cpu} before and
 * after, samples the heap while the requests run, and asks each MemoLock instance how many
 * notifications it received and how many of them were for keys it had no waiter for.
 *
 * <p>Thread-safe for one run at a time (the load runner runs them one after the other).
 */
final class ScenarioRunner {
  private static final long HEAP_SAMPLE_MILLIS = 5;

  private final Target redis;
  private final Duration timeLimit;
  private final int pool;
  private final boolean autoRenew;

  /**
   * @param redis the Redis (or cluster) every client connects to
   * @param timeLimit the time limit of one run
   * @param pool pool size of every client (0: Jedis's default)
   * @param autoRenew MemoLock's automatic lease renewal
   */
  ScenarioRunner(Target redis, Duration timeLimit, int pool, boolean autoRenew) {
    this.redis = redis;
    this.timeLimit = timeLimit;
    this.pool = pool;
    this.autoRenew = autoRenew;
  }

  /** Runs one contender through one scenario on fresh clients and a fresh key prefix. */
  Run runOnce(Scenario s, Contender contender, int round) throws Exception {
    return runOnce(s, contender, round, false);
  }

  /**
   * @param gcFirst whether to collect garbage before the timed part, so the heap figures start
   *     from live data only (the scale curves do; the rounds do not)
   */
  Run runOnce(Scenario s, Contender contender, int round, boolean gcFirst) throws Exception {
    String tag = "lr-" + s.name() + "-" + contender.name().toLowerCase(Locale.ROOT) + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    int[] draws =
        switch (s.draw()) {
          case "zipf" -> Zipf.sample(s.ids(), 1.0, s.requests(), 42);
          case "uniform" -> new java.util.SplittableRandom(42).ints(s.requests(), 0, s.ids()).toArray();
          case "round-robin" -> java.util.stream.IntStream.range(0, s.requests()).map(i -> i % s.ids()).toArray();
          default -> new int[s.requests()];
        };
    String[] idNames = new String[s.ids()];
    for (int i = 0; i < idNames.length; i++) {
      idNames[i] = "id" + i;
    }
    int distinct = (int) Arrays.stream(draws).distinct().count();
    List<UnifiedJedis> clients = new ArrayList<>();
    List<Contender.Service> services = new ArrayList<>();
    try (UnifiedJedis admin = redis.newClient(0)) {
      for (int i = 0; i < s.instances(); i++) {
        UnifiedJedis client = redis.newClient(pool);
        clients.add(client);
        services.add(contender.open(client, tag, autoRenew));
      }
      AtomicInteger computations = new AtomicInteger();
      AtomicLong firstComputeStart = new AtomicLong(Long.MAX_VALUE);
      AtomicLongArray firstEnd = new AtomicLongArray(s.ids());
      AtomicLongArray firstStart = new AtomicLongArray(s.ids());
      for (int i = 0; i < s.ids(); i++) {
        firstEnd.set(i, Long.MAX_VALUE);
        firstStart.set(i, Long.MAX_VALUE);
      }
      String padding = "x".repeat(90);
      if (s.prewarmed()) {
        // Every contender reads the value as UTF-8 under its key: write them all at once.
        try (var pipeline = admin.pipelined()) {
          for (String id : idNames) {
            pipeline.set(
                contender.valueKey(tag, id, redis.cluster()).getBytes(StandardCharsets.UTF_8),
                ("value of " + id + " " + padding).getBytes(StandardCharsets.UTF_8),
                SetParams.setParams().px(Contender.VALUE_TTL.toMillis()));
          }
        }
        for (Contender.Service service : services) {
          // one read each, so every instance has its connection and scripts ready
          service.get(idNames[0], () -> "value of " + idNames[0] + " " + padding);
        }
      }
      int n = s.requests();
      long[] start = new long[n];
      long[] end = new long[n];
      boolean[] failed = new boolean[n];
      AtomicInteger next = new AtomicInteger();
      AtomicInteger done = new AtomicInteger();
      AtomicInteger errors = new AtomicInteger();
      AtomicReference<String> firstError = new AtomicReference<>();
      long computeNanos = TimeUnit.MICROSECONDS.toNanos(s.computeMicros());
      long[] deadline = new long[1];
      CountDownLatch gate = new CountDownLatch(1);
      if (gcFirst) {
        System.gc();
      }
      HeapSampler heap = new HeapSampler(HEAP_SAMPLE_MILLIS);
      Map<String, RedisStats> before = redis.stats();
      long cpuBefore = processCpuNanos();
      List<Thread> threads = new ArrayList<>(s.threads());
      for (int t = 0; t < s.threads(); t++) {
        Contender.Service service = services.get(t % s.instances());
        threads.add(
            Thread.ofVirtual()
                .name("load-" + t)
                .start(
                    () -> {
                      try {
                        gate.await();
                      } catch (InterruptedException e) {
                        return;
                      }
                      while (true) {
                        int i = next.getAndIncrement();
                        if (i >= n || System.nanoTime() - deadline[0] > 0) {
                          return;
                        }
                        int idIndex = draws[i];
                        String id = idNames[idIndex];
                        start[i] = System.nanoTime();
                        try {
                          service.get(
                              id,
                              () -> {
                                computations.incrementAndGet();
                                long began = System.nanoTime();
                                firstComputeStart.accumulateAndGet(began, Math::min);
                                firstStart.accumulateAndGet(idIndex, began, Math::min);
                                if (computeNanos > 0) {
                                  Thread.sleep(Duration.ofNanos(computeNanos));
                                }
                                firstEnd.accumulateAndGet(idIndex, System.nanoTime(), Math::min);
                                return "value of " + id + " " + padding;
                              });
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                          failed[i] = true;
                        } catch (Exception e) {
                          failed[i] = true;
                          errors.incrementAndGet();
                          firstError.compareAndSet(null, e.toString());
                        }
                        end[i] = System.nanoTime();
                        done.incrementAndGet();
                      }
                    }));
      }
      long t0 = System.nanoTime();
      deadline[0] = t0 + timeLimit.toNanos();
      gate.countDown();
      boolean timedOut = false;
      for (Thread thread : threads) {
        long left = deadline[0] + TimeUnit.SECONDS.toNanos(35) - System.nanoTime();
        if (!thread.join(Duration.ofNanos(Math.max(1, left)))) {
          timedOut = true;
          thread.interrupt();
        }
      }
      long wall = System.nanoTime() - t0;
      long cpuUsed = processCpuNanos() - cpuBefore;
      long heapPeak = heap.stop();
      timedOut |= System.nanoTime() - deadline[0] > 0 && done.get() < n;
      Thread.sleep(50); // let unsubscribes and lock deletions land before counting
      Map<String, RedisStats> after = redis.stats();
      Map<String, Long> perNode = Target.commandsSince(before, after);
      long cpuRedis = 0;
      long scripts = 0;
      for (Map.Entry<String, RedisStats> e : after.entrySet()) {
        RedisStats b = before.get(e.getKey());
        if (b != null) {
          cpuRedis += e.getValue().cpuMicrosSince(b);
          scripts += e.getValue().scriptsSince(b);
        }
      }

      int finished = done.get();
      List<Long> latencies = new ArrayList<>(finished);
      List<Long> beyond = new ArrayList<>();
      long[] firstRequest = new long[s.ids()];
      Arrays.fill(firstRequest, Long.MAX_VALUE);
      for (int i = 0; i < Math.min(n, next.get()); i++) {
        if (end[i] == 0) {
          continue;
        }
        latencies.add(end[i] - start[i]);
        firstRequest[draws[i]] = Math.min(firstRequest[draws[i]], start[i]);
        long valueAt = firstEnd.get(draws[i]);
        if (!failed[i] && valueAt != Long.MAX_VALUE && start[i] - valueAt < 0) {
          beyond.add(Math.max(0, end[i] - valueAt));
        }
      }
      return new Run(
          s, contender, round, finished, errors.get(), firstError.get(), computations.get(),
          distinct, wall,
          new Percentiles(latencies.stream().mapToLong(Long::longValue).toArray()),
          new Percentiles(beyond.stream().mapToLong(Long::longValue).toArray()),
          perNode.values().stream().mapToLong(Long::longValue).sum(), scripts, timedOut,
          firstComputeStart.get() == Long.MAX_VALUE ? -1 : firstComputeStart.get() - t0,
          cpuUsed, cpuRedis, notes(services), toCompute(firstRequest, firstStart),
          new Run.Cluster(perNode, Target.callsSince(before, after, "publish"),
              Target.callsSince(before, after, "spublish"),
              services.stream().map(Contender.Service::notificationsReceived).toList(),
              services.stream().map(Contender.Service::strayNotifications).toList()),
          heap.baseline(), heapPeak);
    } finally {
      services.forEach(Contender.Service::close);
      clients.forEach(UnifiedJedis::close);
    }
  }

  private static Percentiles toCompute(long[] firstRequest, AtomicLongArray firstStart) {
    List<Long> delays = new ArrayList<>();
    for (int d = 0; d < firstRequest.length; d++) {
      long began = firstStart.get(d);
      if (began != Long.MAX_VALUE && firstRequest[d] != Long.MAX_VALUE) {
        delays.add(Math.max(0, began - firstRequest[d]));
      }
    }
    return new Percentiles(delays.stream().mapToLong(Long::longValue).toArray());
  }

  /** MemoLock's counters summed over instances, as one line. */
  static String notes(List<Contender.Service> services) {
    long hits = 0, misses = 0, waits = 0, wakeUps = 0, coalesced = 0, takeovers = 0, timeouts = 0;
    long batched = 0;
    boolean any = false;
    for (Contender.Service s : services) {
      io.memolock.Metrics m = s.metrics();
      if (m == null) {
        continue;
      }
      any = true;
      hits += m.hits();
      misses += m.misses();
      waits += m.waits();
      wakeUps += m.wakeUps();
      coalesced += m.coalesced();
      takeovers += m.takeovers();
      timeouts += m.timeouts();
      batched += s.batchedReads();
    }
    return !any ? "" : "hits " + hits + ", misses " + misses + ", coalesced " + coalesced
        + ", waits " + waits + ", wake-ups " + wakeUps + ", takeovers " + takeovers
        + ", timeouts " + timeouts + ", reads served in batches " + batched;
  }

  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }
}
