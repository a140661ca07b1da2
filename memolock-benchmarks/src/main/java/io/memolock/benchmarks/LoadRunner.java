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
 * The load runner: in one JVM against one Redis (or a local Redis Cluster), runs each scenario
 * with MemoLock, a bare cache-aside and a lock-and-poll loop, interleaved (every round runs each
 * contender once, in a rotating order), measures the machine's floor in every round, then runs the
 * scale curves, and writes a Markdown report with SVG charts beside it.
 *
 * <p>The parts: {@link Options} (the command line), {@link Scenarios} (what is run), {@link
 * ScenarioRunner} (one contender through one scenario), {@link Run} (what one run measured),
 * {@link ScaleCurves} (how the cost grows), {@link Report} and {@link CurveReport} (the Markdown),
 * {@link Charts} and {@link Svg} (the charts). Every loop is bounded in count and in time. Usage:
 * see {@link Options#USAGE}.
 */
public final class LoadRunner {
  /**
   * Everything a run of the load runner measured.
   *
   * @param runs measured runs by scenario and contender
   * @param points the scale curves' points
   */
  record Measured(
      Machine machine,
      Instant started,
      Duration took,
      String loadBefore,
      String loadAfter,
      List<Floor> floors,
      Map<Scenario, Map<Contender, List<Run>>> runs,
      List<ScaleCurves.Point> points,
      int warmups,
      boolean quick,
      String log) {}

  private final Target redis;
  private final StringBuilder log = new StringBuilder();
  private final List<Contender> contenders;
  private final ScenarioRunner runner;

  LoadRunner(Target redis, Duration timeLimit) {
    this(redis, timeLimit, List.of(Contender.values()), 0, true);
  }

  LoadRunner(
      Target redis, Duration timeLimit, List<Contender> contenders, int pool, boolean autoRenew) {
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
    Target redis = options.cluster() ? ClusterTarget.start() : BenchRedis.obtain();
    try {
      LoadRunner runner =
          new LoadRunner(redis, Duration.ofSeconds(options.timeLimitSeconds()),
              options.contenders(), options.pool(), options.autoRenew());
      runner.say("options: " + String.join(" ", args));
      Measured m = runner.measure(scenarios, options.rounds(), options.warmups(), options.quick(),
          options.curves(), options.points());
      if (options.outDir().equals("-")) {
        return;
      }
      Path dir = Path.of(options.outDir());
      Files.createDirectories(dir);
      String stem = "results-" + LocalDate.now(ZoneOffset.UTC) + (options.cluster() ? "-cluster" : "")
          + (options.quick() ? "-quick" : "");
      Map<String, String> charts = new LinkedHashMap<>();
      String where = options.cluster() ? " (local Redis Cluster)" : "";
      Charts.write(dir, stem, m.runs(), m.points(), where)
          .forEach((name, file) -> charts.put(name, file.getFileName().toString()));
      Path file = dir.resolve(stem + ".md");
      Files.writeString(file, runner.report(m, charts), StandardCharsets.UTF_8);
      System.out.println("Wrote " + file.toAbsolutePath().normalize() + " and " + charts.size()
          + " charts beside it");
    } finally {
      redis.stop();
    }
  }

  /**
   * Runs every scenario with every contender, round after round (warm-up rounds first); no
   * curves, no charts.
   *
   * @return the Markdown report
   */
  String runAll(List<Scenario> scenarios, int rounds, int warmups, boolean quick)
      throws Exception {
    return report(
        measure(scenarios, rounds, warmups, quick, List.of(), ScaleCurves.Points.QUICK), Map.of());
  }

  /** @return the report of what was measured, with links to the charts (name to file name) */
  String report(Measured m, Map<String, String> charts) {
    String sections = CurveReport.curves(m.points(), charts) + CurveReport.nodes(m.runs());
    return Report.markdown(m.machine(), redis, m.started(), m.took(), m.loadBefore(),
        m.loadAfter(), m.floors(), m.runs(), m.warmups(), m.quick(), m.log(), charts, sections);
  }

  /** Runs the rounds, then the curves (smallest point first). */
  Measured measure(
      List<Scenario> scenarios,
      int rounds,
      int warmups,
      boolean quick,
      List<ScaleCurves.Curve> curves,
      ScaleCurves.Points points)
      throws Exception {
    Instant started = Instant.now();
    String loadBefore = loadAverage();
    Machine machine = Machine.describe(redis);
    say("MemoLock load runner: " + machine.oneLine());
    say(redis.describe());
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
      Floor floor = redis.floor(floorSamples);
      if (round > 0) {
        floors.add(floor);
      }
      say(String.format(Locale.ROOT, "floor: GET p50 %.3f ms p99 %.3f ms; PUBLISH->delivery p50 %.3f ms"
              + " p99 %.3f ms; waking 1,000 virtual threads from one future p50 %.3f ms p99 %.3f ms;"
              + " after 100 ms idle, from 4 woken threads p50 %.3f ms p99 %.3f ms",
          floor.get().millis(0.5), floor.get().millis(0.99), floor.publish().millis(0.5),
          floor.publish().millis(0.99), floor.wake().millis(0.5), floor.wake().millis(0.99),
          floor.idleWake().millis(0.5), floor.idleWake().millis(0.99)));
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
    if (!curves.isEmpty()) {
      say("-- scale curves (MemoLock only)");
    }
    List<ScaleCurves.Point> curvePoints = new ScaleCurves(runner).run(curves, points, this::say);
    String loadAfter = loadAverage();
    Duration took = Duration.between(started, Instant.now()).truncatedTo(ChronoUnit.SECONDS);
    return new Measured(machine, started, took, loadBefore, loadAfter, floors, runs, curvePoints,
        warmups, quick, log.toString());
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
