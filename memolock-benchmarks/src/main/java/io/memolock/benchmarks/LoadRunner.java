package io.memolock.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The load runner: in one JVM against one Redis, runs each scenario with MemoLock, a bare
 * cache-aside and a lock-and-poll loop, interleaved (every round runs each contender once, in a
 * rotating order), measures the machine's floor in every round, and writes a Markdown report.
 *
 * <p>The parts: {@link Options} (the command line), {@link Scenarios} (what is run), {@link
 * ScenarioRunner} (one contender through one scenario), {@link Run} (what one run measured) and
 * {@link Report} (the Markdown). Every loop is bounded in count and in time. Usage: see {@link
 * Options#USAGE}.
 */
public final class LoadRunner {
  private final BenchRedis redis;
  private final StringBuilder log = new StringBuilder();
  private final List<Contender> contenders;
  private final ScenarioRunner runner;

  LoadRunner(BenchRedis redis, Duration timeLimit) {
    this(redis, timeLimit, List.of(Contender.values()), 0, true);
  }

  LoadRunner(
      BenchRedis redis, Duration timeLimit, List<Contender> contenders, int pool, boolean autoRenew) {
    this.redis = redis;
    this.contenders = List.copyOf(contenders);
    this.runner = new ScenarioRunner(redis, timeLimit, pool, autoRenew);
  }

  /**
   * @param args see {@link Options#USAGE}
   * @throws Exception when the run fails
   */
  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (RuntimeException e) {
      System.err.println("error: " + e.getMessage());
      System.err.print(Options.USAGE);
      System.exit(2);
      return;
    }
    List<Scenario> scenarios = new ArrayList<>();
    for (String name : options.scenarios()) {
      Scenario s = Scenarios.named(name);
      scenarios.add(options.quick() ? s.scaled(0.1) : s);
    }
    if (options.redisUri() != null) {
      System.setProperty(BenchRedis.PROPERTY, options.redisUri());
    }
    BenchRedis redis = BenchRedis.obtain();
    try {
      LoadRunner runner =
          new LoadRunner(redis, Duration.ofSeconds(options.timeLimitSeconds()),
              options.contenders(), options.pool(), options.autoRenew());
      String report = runner.runAll(scenarios, options.rounds(), options.warmups(), options.quick());
      if (!options.outDir().equals("-")) {
        Path dir = Path.of(options.outDir());
        Files.createDirectories(dir);
        Path file = dir.resolve(
            "results-" + LocalDate.now(ZoneOffset.UTC) + (options.quick() ? "-quick" : "") + ".md");
        Files.writeString(file, report, StandardCharsets.UTF_8);
        System.out.println("Wrote " + file.toAbsolutePath().normalize());
      }
    } finally {
      redis.stop();
    }
  }

  /**
   * Runs every scenario with every contender, round after round (warm-up rounds first).
   *
   * @return the Markdown report
   */
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
          say(run.describe());
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

  /** Runs one contender through one scenario on fresh clients and a fresh key prefix. */
  Run runOnce(Scenario s, Contender contender, int round) throws Exception {
    return runner.runOnce(s, contender, round);
  }

  private void say(String line) {
    System.out.println(line);
    System.out.flush();
    log.append(line).append('\n');
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }
}
