package io.memolock.benchmarks;

import io.memolock.benchmarks.ScaleCurves.Curve;
import io.memolock.benchmarks.ScaleCurves.Point;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The load runner's charts, as SVG documents ({@link Svg}) written next to its results file: the
 * latency distribution of every contender in every scenario (p50, p90, p99, p99.9 of the median
 * round, log scale), and each scale curve (Redis commands per request and in all, Redis CPU per
 * request, the waiters' p99 beyond the computation and the heap's growth, against the size on a
 * log scale).
 */
final class Charts {
  static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};
  static final List<String> QUANTILE_NAMES = List.of("p50", "p90", "p99", "p99.9");

  private Charts() {}

  /**
   * @return the latency chart of one scenario: bars per quantile, one series per contender; with
   *     a second panel for the time beyond the computation when requests waited for a value
   */
  static String latency(Scenario s, Map<Contender, List<Run>> byContender, String where) {
    List<String> names = new ArrayList<>();
    double[][] values = new double[byContender.size()][];
    int k = 0;
    for (Map.Entry<Contender, List<Run>> e : byContender.entrySet()) {
      Run median = Run.median(e.getValue());
      names.add(e.getKey().label);
      values[k] = new double[QUANTILES.length];
      for (int q = 0; q < QUANTILES.length; q++) {
        values[k][q] = median.latency().millis(QUANTILES[q]);
      }
      k++;
    }
    List<String> panels = new ArrayList<>();
    panels.add(Svg.barChart("Request latency, median round by throughput", QUANTILE_NAMES,
        new Svg.Axis("latency (ms)", true), names, values));
    List<Run> medians = byContender.values().stream().map(Run::median).toList();
    if (medians.stream().anyMatch(r -> r.beyond().count() > 0)) {
      double[][] beyond = new double[medians.size()][QUANTILES.length];
      for (int c = 0; c < medians.size(); c++) {
        for (int q = 0; q < QUANTILES.length; q++) {
          beyond[c][q] = medians.get(c).beyond().millis(QUANTILES[q]);
        }
      }
      panels.add(Svg.barChart("Beyond the computation: request end minus the value's first"
              + " computation end", QUANTILE_NAMES, new Svg.Axis("ms", true), names, beyond));
    }
    return Svg.document(s.name() + ": " + s.title() + where, panels);
  }

  /** @return the chart of one scale curve: five panels against the curve's size */
  static String curve(Curve curve, List<Point> points, String where) {
    List<Point> mine = points.stream().filter(p -> p.curve() == curve).toList();
    Svg.Axis x = new Svg.Axis(curve.axis, true);
    List<String> panels = new ArrayList<>();
    panels.add(panel("Redis commands per request", x, new Svg.Axis("commands / request", true),
        mine, Point::commandsPerRequest));
    panels.add(panel("Redis commands in all (the whole stampede or run)", x,
        new Svg.Axis("commands", true), mine, p -> p.run().commands()));
    panels.add(panel("Redis CPU per request", x, new Svg.Axis("µs / request", true), mine,
        Point::redisCpuMicrosPerRequest));
    panels.add(panel("Waiters' p99 beyond the computation", x, new Svg.Axis("ms", false), mine,
        Point::beyondP99Millis));
    panels.add(panel("Heap growth during the run (peak sampled, garbage included)", x,
        new Svg.Axis("MiB", false), mine, Point::heapGrowthMiB));
    return Svg.document("MemoLock scale curve: " + curve.name + where, panels);
  }

  private static String panel(
      String title, Svg.Axis x, Svg.Axis y, List<Point> points, ToDoubleFunction<Point> f) {
    double[] xs = points.stream().mapToDouble(Point::x).toArray();
    double[] ys = points.stream().mapToDouble(f).toArray();
    return Svg.lineChart(title, x, y, List.of(new Svg.Series("MemoLock", xs, ys)));
  }

  /**
   * Writes every chart as {@code <stem>-latency-<scenario>.svg} and {@code
   * <stem>-curve-<curve>.svg} in a directory.
   *
   * @param where appended to every chart's title (e.g. " (cluster)")
   * @return the files written, by chart name
   */
  static Map<String, Path> write(
      Path dir,
      String stem,
      Map<Scenario, Map<Contender, List<Run>>> runs,
      List<Point> points,
      String where)
      throws IOException {
    Map<String, Path> written = new LinkedHashMap<>();
    for (Map.Entry<Scenario, Map<Contender, List<Run>>> e : runs.entrySet()) {
      if (e.getValue().values().stream().anyMatch(List::isEmpty) || e.getValue().isEmpty()) {
        continue;
      }
      Path file = dir.resolve(stem + "-latency-" + e.getKey().name() + ".svg");
      Files.writeString(file, latency(e.getKey(), e.getValue(), where), StandardCharsets.UTF_8);
      written.put("latency-" + e.getKey().name(), file);
    }
    for (Curve c : Curve.values()) {
      if (points.stream().anyMatch(p -> p.curve() == c)) {
        Path file = dir.resolve(stem + "-curve-" + c.name + ".svg");
        Files.writeString(file, curve(c, points, where), StandardCharsets.UTF_8);
        written.put("curve-" + c.name, file);
      }
    }
    return written;
  }
}
