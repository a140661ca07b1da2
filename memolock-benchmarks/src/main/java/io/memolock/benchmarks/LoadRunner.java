package io.memolock.benchmarks;

import io.memolock.examples.Percentiles;
import io.memolock.examples.RedisStats;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * The load runner: in one JVM against one Redis, runs each scenario with MemoLock, a bare
 * cache-aside and a lock-and-poll loop, interleaved (every round runs each contender once, in a
 * rotating order), measures the machine's floor in every round, and writes a Markdown report.
 *
 * <p>Every loop is bounded in count and in time. Usage: see {@link #USAGE}.
 */
public final class LoadRunner {
  static final String USAGE =
      """
      Usage: LoadRunner [--redis redis://HOST:PORT] [--rounds N] [--scenarios a,b,c] [--out-dir DIR]
                        [--time-limit-s S] [--warmup-rounds N] [--quick]

        --redis URI       use this Redis (default: start a private redis-server on a free port)
        --rounds N        measured rounds; each runs every contender once (default 3)
        --scenarios LIST  hot-hit,cold-stampede,many-keys (default: all)
        --out-dir DIR     where results-<date>.md goes (default docs/benchmarks; "-" for none)
        --time-limit-s S  time limit of one run (default 90)
        --contenders LIST memolock,cache-aside,lock-and-poll (default: all; for profiling one)
        --pool N          connection pool size of every client (default: Jedis's, 8); diagnostic
        --no-auto-renew   MemoLock without automatic lease renewal; diagnostic
        --warmup-rounds N unmeasured full-size rounds first, so the JIT has settled (default 3;
                          0 for none)
        --quick           tiny sizes, one round, no warm-up (a smoke test, not a measurement)
      """;

  /**
   * A scenario.
   *
   * @param name short name
   * @param title description for the report
   * @param instances service instances, each with its own Redis client
   * @param threads virtual threads in all (thread k uses instance k mod instances)
   * @param requests requests in all
   * @param ids distinct ids the requests are drawn from
   * @param draw how ids are drawn: "one" (always id 0), "zipf" (Zipf, s = 1.0) or "uniform"
   * @param computeMicros the computation's duration
   * @param prewarmed whether every id's value is cached before the timed part
   */
  record Scenario(
      String name,
      String title,
      int instances,
      int threads,
      int requests,
      int ids,
      String draw,
      long computeMicros,
      boolean prewarmed) {

    Scenario scaled(double f) {
      return new Scenario(
          name,
          title + " (scaled by " + f + ")",
          instances,
          Math.max(instances, (int) (threads * f)),
          Math.max(instances, (int) (requests * f * f)),
          Math.max(1, (int) (ids * f)),
          draw,
          computeMicros,
          prewarmed);
    }
  }

  static final List<Scenario> SCENARIOS =
      List.of(
          new Scenario(
              "hot-hit",
              "64 virtual threads x 5,000 gets of one cached key, 1 instance",
              1, 64, 64 * 5_000, 1, "one", 0, true),
          new Scenario(
              "hot-hit-spread",
              "64 virtual threads x 5,000 gets spread uniformly over 10,000 cached keys, 1 instance"
                  + " (no two concurrent requests share a key, so no in-JVM coalescing)",
              1, 64, 64 * 5_000, 10_000, "uniform", 0, true),
          new Scenario(
              "cold-stampede",
              "4 instances x 250 virtual threads, one cold key, 100 ms computation",
              4, 1_000, 1_000, 1, "one", 100_000, false),
          new Scenario(
              "many-keys",
              "2 instances, 200 virtual threads, 20,000 requests over 2,000 ids (Zipf s=1.0),"
                  + " 1 ms computation",
              2, 200, 20_000, 2_000, "zipf", 1_000, false));

  /**
   * One run of one contender in one scenario.
   *
   * @param scenario the scenario
   * @param contender the contender
   * @param round the round (0 = warm-up)
   * @param done requests completed (successfully or not)
   * @param errors requests that failed
   * @param firstError the first failure, or null
   * @param computations computations run
   * @param distinctIds distinct ids requested
   * @param wallNanos wall time of the timed part
   * @param latency request latencies
   * @param beyond for requests that started before their value first existed: request end minus
   *     the end of that value's first computation
   * @param commands Redis commands executed (INFO commandstats, including inside scripts)
   * @param scripts EVAL/EVALSHA calls among them
   * @param timedOut whether the run hit its time limit
   * @param firstComputeStartNanos when the first computation started, after the timed start (-1:
   *     none)
   * @param jvmCpuNanos CPU time this JVM used during the run (all its threads)
   * @param redisCpuMicros CPU time Redis used during the run
   * @param notes MemoLock's own counters summed over its instances (empty for baselines)
   * @param toCompute per computed id: its first computation's start minus its first request's
   *     start (the miss path before the computation: reads, lock, hand-offs)
   */
  record Run(
      Scenario scenario,
      Contender contender,
      int round,
      int done,
      int errors,
      String firstError,
      int computations,
      int distinctIds,
      long wallNanos,
      Percentiles latency,
      Percentiles beyond,
      long commands,
      long scripts,
      boolean timedOut,
      long firstComputeStartNanos,
      long jvmCpuNanos,
      long redisCpuMicros,
      String notes,
      Percentiles toCompute) {

    double jvmCpuMicrosPerRequest() {
      return jvmCpuNanos / 1e3 / Math.max(1, done);
    }

    double redisCpuMicrosPerRequest() {
      return redisCpuMicros / (double) Math.max(1, done);
    }

    double throughput() {
      return done / (wallNanos / 1e9);
    }

    double commandsPerRequest() {
      return commands / (double) Math.max(1, done);
    }
  }

  private final BenchRedis redis;
  private final Duration timeLimit;
  private final StringBuilder log = new StringBuilder();
  private List<Contender> contenders = List.of(Contender.values());
  private int pool;
  private boolean autoRenew = true;

  LoadRunner(BenchRedis redis, Duration timeLimit) {
    this.redis = redis;
    this.timeLimit = timeLimit;
  }

  /**
   * @param args see {@link #USAGE}
   * @throws Exception when the run fails
   */
  public static void main(String[] args) throws Exception {
    int rounds = 3;
    List<String> names = SCENARIOS.stream().map(Scenario::name).toList();
    String outDir = "docs/benchmarks";
    String redisUri = null;
    long limit = 90;
    int warmups = 3;
    boolean quick = false;
    List<Contender> contenders = List.of(Contender.values());
    int pool = 0;
    boolean autoRenew = true;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--rounds" -> rounds = Integer.parseInt(args[++i]);
          case "--scenarios" -> names = List.of(args[++i].split(","));
          case "--out-dir" -> outDir = args[++i];
          case "--redis" -> redisUri = args[++i];
          case "--time-limit-s" -> limit = Long.parseLong(args[++i]);
          case "--warmup-rounds" -> warmups = Integer.parseInt(args[++i]);
          case "--pool" -> pool = Integer.parseInt(args[++i]);
          case "--no-auto-renew" -> autoRenew = false;
          case "--contenders" ->
              contenders =
                  Arrays.stream(args[++i].split(","))
                      .map(c -> Contender.valueOf(c.strip().toUpperCase(Locale.ROOT).replace('-', '_')))
                      .toList();
          case "--quick" -> quick = true;
          case "" -> {}
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (rounds < 1 || rounds > 20 || warmups < 0 || warmups > 10 || limit < 1 || limit > 3_600) {
        throw new IllegalArgumentException(
            "--rounds must be 1..20, --warmup-rounds 0..10 and --time-limit-s 1..3600");
      }
    } catch (RuntimeException e) {
      System.err.println("error: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    if (quick) {
      rounds = 1;
      warmups = 0;
    }
    List<Scenario> scenarios = new ArrayList<>();
    for (String name : names) {
      Scenario s =
          SCENARIOS.stream()
              .filter(x -> x.name().equals(name.strip()))
              .findFirst()
              .orElseThrow(() -> new IllegalArgumentException("unknown scenario " + name));
      scenarios.add(quick ? s.scaled(0.1) : s);
    }
    if (redisUri != null) {
      System.setProperty(BenchRedis.PROPERTY, redisUri);
    }
    BenchRedis redis = BenchRedis.obtain();
    try {
      LoadRunner runner = new LoadRunner(redis, Duration.ofSeconds(limit));
      runner.contenders = contenders;
      runner.pool = pool;
      runner.autoRenew = autoRenew;
      String report = runner.runAll(scenarios, rounds, warmups, quick);
      if (!outDir.equals("-")) {
        Path dir = Path.of(outDir);
        Files.createDirectories(dir);
        Path file = dir.resolve("results-" + LocalDate.now(ZoneOffset.UTC) + (quick ? "-quick" : "") + ".md");
        Files.writeString(file, report, StandardCharsets.UTF_8);
        System.out.println("Wrote " + file.toAbsolutePath().normalize());
      }
    } finally {
      redis.stop();
    }
  }

  // ------------------------------------------------------------------ running

  String runAll(List<Scenario> scenarios, int rounds, int warmups, boolean quick)
      throws Exception {
    Instant started = Instant.now();
    String loadBefore = loadAverage();
    Machine machine = Machine.describe(redis);
    say("MemoLock load runner: " + machine.oneLine());
    say("Redis " + redis.uri() + (redis.owned() != null ? " (started by this run)" : " (given)"));
    int floorSamples = quick ? 200 : 2_000;
    List<Floor> floors = new ArrayList<>();
    Map<Scenario, Map<Contender, List<Run>>> runs = new LinkedHashMap<>();
    for (Scenario s : scenarios) {
      runs.put(s, new EnumMap<>(Contender.class));
    }
    Contender[] order = contenders.toArray(Contender[]::new);
    // Warm-up rounds are numbered 1 - warmups .. 0, measured ones 1 .. rounds.
    for (int round = 1 - warmups; round <= rounds; round++) {
      say(round <= 0
          ? "-- warm-up round " + (round + warmups) + " of " + warmups + " (not reported)"
          : "-- round " + round + " of " + rounds);
      Floor floor = Floor.measure(redis.host(), redis.port(), floorSamples);
      if (round > 0) {
        floors.add(floor);
      }
      say(String.format(Locale.ROOT, "floor: GET p50 %.3f ms p99 %.3f ms; PUBLISH->delivery p50 %.3f ms"
              + " p99 %.3f ms; waking 1,000 virtual threads from one future p50 %.3f ms p99 %.3f ms",
          floor.get().millis(0.5), floor.get().millis(0.99), floor.publish().millis(0.5),
          floor.publish().millis(0.99), floor.wake().millis(0.5), floor.wake().millis(0.99)));
      for (Scenario s : scenarios) {
        for (int k = 0; k < order.length; k++) {
          // Rotate the order every round, so no contender always runs first (or last).
          Contender c = order[Math.floorMod(k + round, order.length)];
          Run run = runOnce(s, c, round);
          say(describe(run));
          if (round > 0) {
            runs.get(s).computeIfAbsent(c, x -> new ArrayList<>()).add(run);
          }
        }
      }
    }
    String loadAfter = loadAverage();
    Duration took = Duration.between(started, Instant.now()).truncatedTo(ChronoUnit.SECONDS);
    return Report.markdown(machine, redis, started, took, loadBefore, loadAfter, floors, runs, warmups, quick, log);
  }

  private void say(String line) {
    System.out.println(line);
    System.out.flush();
    log.append(line).append('\n');
  }

  /** Runs one contender through one scenario on fresh clients and a fresh key prefix. */
  Run runOnce(Scenario s, Contender contender, int round) throws Exception {
    String tag = "lr-" + s.name() + "-" + contender.name().toLowerCase(Locale.ROOT) + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    int[] draws =
        switch (s.draw()) {
          case "zipf" -> Zipf.sample(s.ids(), 1.0, s.requests(), 42);
          case "uniform" -> new java.util.SplittableRandom(42).ints(s.requests(), 0, s.ids()).toArray();
          default -> new int[s.requests()];
        };
    String[] idNames = new String[s.ids()];
    for (int i = 0; i < idNames.length; i++) {
      idNames[i] = "id" + i;
    }
    int distinct = (int) Arrays.stream(draws).distinct().count();
    List<RedisClient> clients = new ArrayList<>();
    List<Contender.Service> services = new ArrayList<>();
    try (RedisClient admin = RedisClient.create(redis.host(), redis.port())) {
      for (int i = 0; i < s.instances(); i++) {
        RedisClient client = newClient();
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
        // Every contender reads "<tag>:<id>" holding the value as UTF-8: write them all at once.
        try (var pipeline = admin.pipelined()) {
          for (String id : idNames) {
            pipeline.set(
                (tag + ":" + id).getBytes(StandardCharsets.UTF_8),
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
      RedisStats before = RedisStats.take(admin);
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
      timedOut |= System.nanoTime() - deadline[0] > 0 && done.get() < n;
      Thread.sleep(50); // let unsubscribes and lock deletions land before counting
      RedisStats after = RedisStats.take(admin);

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
          after.commandsSince(before), after.scriptsSince(before), timedOut,
          firstComputeStart.get() == Long.MAX_VALUE ? -1 : firstComputeStart.get() - t0,
          cpuUsed, after.cpuMicrosSince(before), notes(services), toCompute(firstRequest, firstStart));
    } finally {
      services.forEach(Contender.Service::close);
      clients.forEach(RedisClient::close);
    }
  }

  static String describe(Run r) {
    return String.format(
        Locale.ROOT,
        "%-14s %-14s %6d req %6d comp (distinct %d) %9.0f req/s  p50 %8.3f p99 %8.3f max %8.3f ms"
            + "  beyond p99 %s  %.3f cmd/req  CPU us/req JVM %.1f Redis %.1f  1st computation at %s"
            + "  first request to computation p50 %s p99 %s%s%s",
        r.scenario().name(), r.contender().label, r.done(), r.computations(), r.distinctIds(),
        r.throughput(), r.latency().millis(0.5), r.latency().millis(0.99), r.latency().maxMillis(),
        r.beyond().count() == 0 ? "n/a" : String.format(Locale.ROOT, "%.3f ms", r.beyond().millis(0.99)),
        r.commandsPerRequest(), r.jvmCpuMicrosPerRequest(), r.redisCpuMicrosPerRequest(),
        r.firstComputeStartNanos() < 0 ? "n/a"
            : String.format(Locale.ROOT, "%.1f ms", r.firstComputeStartNanos() / 1e6),
        r.toCompute().count() == 0 ? "n/a" : String.format(Locale.ROOT, "%.3f", r.toCompute().millis(0.5)),
        r.toCompute().count() == 0 ? "n/a" : String.format(Locale.ROOT, "%.3f ms", r.toCompute().millis(0.99)),
        r.errors() > 0 ? "  ERRORS " + r.errors() + " (first: " + r.firstError() + ")" : "",
        r.timedOut() ? "  TIME LIMIT" : "")
        + (r.notes().isEmpty() ? "" : "\n               MemoLock counters: " + r.notes());
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

  private RedisClient newClient() {
    if (pool <= 0) {
      return RedisClient.create(redis.host(), redis.port());
    }
    redis.clients.jedis.ConnectionPoolConfig config = new redis.clients.jedis.ConnectionPoolConfig();
    config.setMaxTotal(pool);
    config.setMaxIdle(pool);
    return RedisClient.builder().hostAndPort(redis.host(), redis.port()).poolConfig(config).build();
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

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  /** @return the run whose throughput is the median of the rounds */
  static Run median(List<Run> runs) {
    List<Run> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparingDouble(Run::throughput));
    return sorted.get(sorted.size() / 2);
  }
}
