package io.memolock.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * A quick check that the load runner's scenarios, contenders and report work, at tiny sizes. It
 * measures nothing: the benchmarks themselves run only through exec:exec@load and exec:exec@jmh.
 */
@Timeout(120)
class LoadRunnerSmokeTest {
  private static BenchRedis redis;
  private static LoadRunner runner;

  @BeforeAll
  static void start() {
    redis = BenchRedis.obtain();
    runner = new LoadRunner(redis, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    if (redis != null) {
      redis.stop();
    }
  }

  private static Scenario scenario(String name, double scale) {
    return Scenarios.ALL.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow()
        .scaled(scale);
  }

  @Test
  void everyContenderServesEveryRequestAndOnlyTheLocksAvoidDuplicateComputations()
      throws Exception {
    Scenario stampede = scenario("cold-stampede", 0.1);
    Scenario manyKeys = scenario("many-keys", 0.1);
    for (Contender c : Contender.values()) {
      Run s = runner.runOnce(stampede, c, 1);
      assertEquals(stampede.requests(), s.done(), s.describe());
      assertEquals(0, s.errors(), s.describe());
      Run m = runner.runOnce(manyKeys, c, 1);
      assertEquals(manyKeys.requests(), m.done(), m.describe());
      assertEquals(0, m.errors(), m.describe());
      if (c == Contender.MEMOLOCK) {
        assertEquals(1, s.computations(), s.describe());
        assertEquals(m.distinctIds(), m.computations(), m.describe());
        assertTrue(s.commands() > 0, "INFO commandstats deltas are counted");
      }
      if (c == Contender.CACHE_ASIDE) {
        assertEquals(stampede.requests(), s.computations(), "no lock: everyone computes");
      }
    }
  }

  @Test
  void theReportHasTheFloorTheScenariosAndTheTargets() throws Exception {
    String md =
        runner.runAll(
            List.of(scenario("hot-hit", 0.05), scenario("cold-stampede", 0.05),
                scenario("many-keys", 0.05)),
            1, 0, true);
    assertTrue(md.contains("## Machine floor"), md);
    assertTrue(md.contains("### hot-hit"), md);
    assertTrue(md.contains("### cold-stampede"), md);
    assertTrue(md.contains("### many-keys"), md);
    assertTrue(md.contains("| cold-stampede: 1 computation (every round, no errors) | 1 | yes |"), md);
    assertTrue(md.contains("many-keys: computations == distinct ids requested"), md);
  }

  @Test
  void aTinyScaleCurveRunMeasuresEveryPointAndWritesWellFormedCharts(@TempDir Path dir)
      throws Exception {
    ScaleCurves.Points points =
        new ScaleCurves.Points(List.of(1, 2), List.of(10, 100), List.of(10, 50));
    LoadRunner.Measured m =
        runner.measure(List.of(scenario("cold-stampede", 0.05)), 1, 0, true,
            List.of(ScaleCurves.Curve.values()), points);
    assertEquals(6, m.points().size());
    for (ScaleCurves.Point p : m.points()) {
      Run r = p.run();
      assertEquals(r.scenario().requests(), r.done(), p.describe());
      assertEquals(0, r.errors(), p.describe());
      assertEquals(p.curve() == ScaleCurves.Curve.KEYS ? p.x() : 1, r.computations(), p.describe());
      assertTrue(r.commands() > 0, p.describe());
      assertTrue(r.heapPeakBytes() >= r.heapBeforeBytes(), p.describe());
      assertEquals(r.scenario().instances(), r.cluster().received().size(), p.describe());
    }
    Map<String, Path> charts = Charts.write(dir, "results-test", m.runs(), m.points(), "");
    assertEquals(
        List.of("latency-cold-stampede", "curve-instances", "curve-waiters", "curve-keys"),
        List.copyOf(charts.keySet()));
    for (Path file : charts.values()) {
      Document doc = SvgTest.parse(Files.readString(file));
      assertTrue(!SvgTest.seriesNames(doc).isEmpty(), file.toString());
    }
    // two panels: the latency, and the time beyond the computation (the stampede's callers waited)
    assertEquals(
        List.of("MemoLock", "cache-aside", "lock-and-poll", "MemoLock", "cache-aside",
            "lock-and-poll"),
        SvgTest.seriesNames(SvgTest.parse(Files.readString(charts.get("latency-cold-stampede")))));
    String md = runner.report(m, Map.of("curve-waiters", "results-test-curve-waiters.svg"));
    assertTrue(md.contains("## Scale curves (MemoLock)"), md);
    assertTrue(md.contains("![scale curve: waiters](results-test-curve-waiters.svg)"), md);
    assertTrue(md.contains("## Where the work went: per node, per instance"), md);
  }

  @Test
  void zipfSamplesAreSeededAndInRange() {
    int[] a = Zipf.sample(100, 1.0, 1_000, 7);
    int[] b = Zipf.sample(100, 1.0, 1_000, 7);
    assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
    long zeros = java.util.Arrays.stream(a).filter(x -> x == 0).count();
    assertTrue(java.util.Arrays.stream(a).allMatch(x -> x >= 0 && x < 100));
    assertTrue(zeros > 100, "rank 0 is the most frequent: " + zeros);
  }
}
