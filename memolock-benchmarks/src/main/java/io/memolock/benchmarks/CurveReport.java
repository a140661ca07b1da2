package io.memolock.benchmarks;

import io.memolock.benchmarks.ScaleCurves.Curve;
import io.memolock.benchmarks.ScaleCurves.Point;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Markdown of the scale curves and of where the Redis work went (per node, per instance), for
 * the load runner's report.
 */
final class CurveReport {
  private CurveReport() {}

  /** @return the "Scale curves" section, or "" without points */
  static String curves(List<Point> points, Map<String, String> charts) {
    if (points.isEmpty()) {
      return "";
    }
    StringBuilder md = new StringBuilder("## Scale curves (MemoLock)\n\n");
    md.append("One run per point, on fresh clients, garbage collected first, 100 ms computation."
        + " *Redis commands*: INFO commandstats deltas of every primary, commands inside scripts"
        + " included. *Beyond*: the waiters' p99 of request end minus the end of the value's first"
        + " computation. *Heap*: in use as the run started, and the largest sample during it (every"
        + " 5 ms; garbage not yet collected included).\n\n");
    for (Curve c : Curve.values()) {
      List<Point> mine = points.stream().filter(p -> p.curve() == c).toList();
      if (mine.isEmpty()) {
        continue;
      }
      md.append("### ").append(c.name).append(": ").append(c.axis).append("\n\n");
      String chart = charts.get("curve-" + c.name);
      if (chart != null) {
        md.append("![scale curve: ").append(c.name).append("](").append(chart).append(")\n\n");
      }
      md.append("| ").append(c.name).append(" | requests | computations | errors | Redis commands"
          + " | per request | per instance | Redis CPU µs/req | beyond p50 / p99 | heap before → peak"
          + " | wall |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
      for (Point p : mine) {
        Run r = p.run();
        md.append(String.format(Locale.ROOT,
            "| %,d | %,d | %d | %d%s | %,d | %.4f | %.1f | %.2f | %.3f / %.3f ms | %.0f → %.0f MiB | %.1f s |%n",
            p.x(), r.done(), r.computations(), r.errors(), r.timedOut() ? " (TIME LIMIT)" : "",
            r.commands(), p.commandsPerRequest(), r.commands() / (double) r.scenario().instances(),
            p.redisCpuMicrosPerRequest(), r.beyond().millis(0.5), p.beyondP99Millis(),
            r.heapBeforeBytes() / 1048576.0, r.heapPeakBytes() / 1048576.0, r.wallNanos() / 1e9));
      }
      md.append('\n');
    }
    return md.toString();
  }

  /** @return the "Where the work went" section: per node and per instance, median rounds */
  static String nodes(Map<Scenario, Map<Contender, List<Run>>> runs) {
    StringBuilder md = new StringBuilder("## Where the work went: per node, per instance\n\n");
    md.append("Median round of each contender. *cmds/req per node*: commands each primary executed"
        + " per request of the run. *PUBLISH / SPUBLISH*: calls in all nodes. *Heard*: per"
        + " instance, notifications its subscriber received; *stray*: those on a channel it had no"
        + " waiter for (MemoLock only).\n\n");
    md.append("| scenario | contender | cmds/req per node | PUBLISH | SPUBLISH | heard per instance"
        + " | stray per instance |\n|---|---|---|---|---|---|---|\n");
    for (Map.Entry<Scenario, Map<Contender, List<Run>>> e : runs.entrySet()) {
      for (Map.Entry<Contender, List<Run>> c : e.getValue().entrySet()) {
        Run r = Run.median(c.getValue());
        StringBuilder perNode = new StringBuilder();
        r.cluster().commandsPerNode().forEach((node, n) -> perNode
            .append(perNode.isEmpty() ? "" : ", ")
            .append(node.substring(node.lastIndexOf(':') + 1)).append(": ")
            .append(String.format(Locale.ROOT, "%.3f", n / (double) Math.max(1, r.done()))));
        boolean memoLock = c.getKey() == Contender.MEMOLOCK;
        md.append("| ").append(e.getKey().name()).append(" | ").append(c.getKey().label)
            .append(" | ").append(perNode).append(" | ").append(r.cluster().publishes())
            .append(" | ").append(r.cluster().spublishes()).append(" | ")
            .append(memoLock ? join(r.cluster().received()) : "n/a").append(" | ")
            .append(memoLock ? join(r.cluster().stray()) : "n/a").append(" |\n");
      }
    }
    return md.append('\n').toString();
  }

  private static String join(List<Long> values) {
    return String.join(", ", values.stream().map(String::valueOf).toList());
  }
}
