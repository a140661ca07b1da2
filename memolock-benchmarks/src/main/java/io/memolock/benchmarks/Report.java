package io.memolock.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes the load runner's Markdown report, with the targets of BRIEF section 7 checked. */
final class Report {
  /** "A small multiple" of the PUBLISH -> delivery p99, for the stampede waiters' p99. */
  static final double SMALL_MULTIPLE = 10;

  private Report() {}

  static String markdown(
      Machine machine,
      Target redis,
      Instant started,
      Duration took,
      String loadBefore,
      String loadAfter,
      List<Floor> floors,
      Map<Scenario, Map<Contender, List<Run>>> runs,
      int warmups,
      boolean quick,
      CharSequence log,
      Map<String, String> charts,
      String sections) {
    StringBuilder md = new StringBuilder();
    md.append("# MemoLock load benchmark results, ")
        .append(started.atOffset(ZoneOffset.UTC).toLocalDate())
        .append(quick ? " (QUICK smoke run: sizes scaled down, not a measurement)" : "")
        .append("\n\n");
    md.append("Produced by `io.memolock.benchmarks.LoadRunner` (one JVM, one Redis, contenders interleaved:"
        + " every round runs each contender once, in a rotating order). Reproduce with:\n\n"
        + "    ./mvnw -q -pl memolock-benchmarks -am compile exec:exec@load"
        + (redis.cluster() ? " -Dload.args=\"--cluster\"" : "") + "\n\n"
        + "(plus the `-Dload.args` options of this run, listed in the log below).\n\n");
    md.append("Started ").append(started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
        .append(" (UTC), took ").append(took.toSeconds()).append(" s; ")
        .append(runs.values().stream().findFirst().map(m -> m.values().stream().findFirst()
            .map(List::size).orElse(0)).orElse(0))
        .append(" measured round(s)")
        .append(warmups > 0
            ? " after " + warmups + " unmeasured full-size warm-up round(s), so that the JIT compiler"
                + " has settled.\n\n"
            : ", no warm-up round.\n\n");

    md.append("## Machine\n\n| fact | value |\n|---|---|\n");
    machine.facts().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    md.append("| Redis server | ").append(redis.describe()).append(", on the same machine |\n");
    md.append("| load average before / after | ").append(loadBefore).append(" / ").append(loadAfter)
        .append(" |\n\n");
    md.append("Redis, the load generator and the code under test share the same cores, and the machine may"
        + " run other work (see the load average): absolute figures are for this machine only; the"
        + " ratios, measured side by side in the same run, are what the targets are about.\n\n");

    md.append("## Machine floor (plain Jedis, one at a time)\n\n");
    md.append("| round | GET round trip p50 | GET p99 | PUBLISH -> delivery p50 | PUBLISH -> delivery p99 |"
        + " waking 1,000 virtual threads from one future p50 | p99 |"
        + " the same after 100 ms idle, from 4 woken threads (250 each) p50 | p99 |\n"
        + "|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < floors.size(); i++) {
      Floor f = floors.get(i);
      md.append(String.format(Locale.ROOT,
          "| %d | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.3f ms |%n",
          i + 1, f.get().millis(0.5), f.get().millis(0.99), f.publish().millis(0.5),
          f.publish().millis(0.99), f.wake().millis(0.5), f.wake().millis(0.99),
          f.idleWake().millis(0.5), f.idleWake().millis(0.99)));
    }
    double publishP99 = medianOf(floors.stream().mapToDouble(f -> f.publish().millis(0.99)).toArray());
    double getP99 = medianOf(floors.stream().mapToDouble(f -> f.get().millis(0.99)).toArray());
    double wakeP99 = medianOf(floors.stream().mapToDouble(f -> f.wake().millis(0.99)).toArray());
    md.append(String.format(Locale.ROOT,
        "%nMedian over rounds: GET p99 %.3f ms, PUBLISH -> delivery p99 %.3f ms; in-JVM fan-out (one"
            + " future completed, 1,000 virtual threads waiting on it, no Redis) p99 %.3f ms.%n%n",
        getP99, publishP99, wakeP99));

    md.append("## Results\n\n"
        + "Each row is the contender's median round by throughput; the last column lists every round."
        + " *Beyond the computation*: for each request that started before its value first existed,"
        + " request end minus the end of that value's first computation (how long after the value"
        + " existed the caller had it). *Redis cmds/req*: commands Redis executed during the run (INFO"
        + " commandstats delta, commands inside Lua scripts included, INFO and connection set-up"
        + " excluded) per request; *scripts/req*: EVALSHA/EVAL calls among them (one round trip each);"
        + " *CPU us/req*: CPU time of this JVM (load generator included) and of Redis during the run, per"
        + " request; *first request to computation*: per computed id, its first computation's start"
        + " minus its first request's start (the miss path before computing: reads, lock, hand-offs).\n\n");
    List<String[]> targets = new ArrayList<>();
    for (Map.Entry<Scenario, Map<Contender, List<Run>>> e : runs.entrySet()) {
      Scenario s = e.getKey();
      Map<Contender, List<Run>> byContender = e.getValue();
      md.append("### ").append(s.name()).append(": ").append(s.title()).append("\n\n");
      String chart = charts.get("latency-" + s.name());
      if (chart != null) {
        md.append("![latency, ").append(s.name()).append("](").append(chart).append(")\n\n");
      }
      md.append("| contender | computations | distinct ids | errors | throughput | p50 | p99 | max |"
          + " beyond computation p50 / p99 / max | first request to computation p50 / p99 | Redis cmds/req"
          + " | scripts/req | CPU us/req JVM / Redis | throughput per round |\n"
          + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
      for (Map.Entry<Contender, List<Run>> c : byContender.entrySet()) {
        Run r = Run.median(c.getValue());
        md.append(String.format(Locale.ROOT,
            "| %s | %d | %d | %d%s | %,.0f req/s | %.3f ms | %.3f ms | %.3f ms | %s | %s | %.3f | %.4f | %.1f / %.1f | %s |%n",
            c.getKey().label, r.computations(), r.distinctIds(), r.errors(),
            r.timedOut() ? " (TIME LIMIT)" : "", r.throughput(), r.latency().millis(0.5),
            r.latency().millis(0.99), r.latency().maxMillis(),
            r.beyond().count() == 0 ? "n/a" : String.format(Locale.ROOT, "%.3f / %.3f / %.3f ms",
                r.beyond().millis(0.5), r.beyond().millis(0.99), r.beyond().maxMillis()),
            r.toCompute().count() == 0 ? "n/a" : String.format(Locale.ROOT, "%.3f / %.3f ms",
                r.toCompute().millis(0.5), r.toCompute().millis(0.99)),
            r.commandsPerRequest(), r.scripts() / (double) Math.max(1, r.done()),
            r.jvmCpuMicrosPerRequest(), r.redisCpuMicrosPerRequest(),
            c.getValue().stream().map(x -> String.format(Locale.ROOT, "%,.0f", x.throughput()))
                .collect(Collectors.joining(", "))));
      }
      List<Run> ml = byContender.get(Contender.MEMOLOCK);
      List<Run> ca = byContender.get(Contender.CACHE_ASIDE);
      List<Run> lp = byContender.get(Contender.LOCK_AND_POLL);
      md.append('\n');
      if (ml != null && ca != null) {
        double[] r = pairedRatios(ml, ca, Run::throughput);
        md.append(String.format(Locale.ROOT, "- MemoLock / cache-aside throughput: **%.2fx** (median of the"
            + " rounds' ratios: %s)%n", medianOf(r), list(r, "%.2f")));
      }
      if (ml != null && lp != null) {
        double[] r = pairedRatios(ml, lp, Run::throughput);
        md.append(String.format(Locale.ROOT, "- MemoLock / lock-and-poll throughput: **%.2fx** (median of the"
            + " rounds' ratios: %s)%n", medianOf(r), list(r, "%.2f")));
        md.append(String.format(Locale.ROOT, "- Redis commands per request, MemoLock vs lock-and-poll:"
            + " %.3f vs %.3f (%.2fx)%n", Run.median(ml).commandsPerRequest(),
            Run.median(lp).commandsPerRequest(),
            Run.median(ml).commandsPerRequest() / Run.median(lp).commandsPerRequest()));
      }
      if (ml != null && ca != null) {
        md.append(String.format(Locale.ROOT, "- Redis commands per request, MemoLock vs cache-aside:"
            + " %.3f vs %.3f%n", Run.median(ml).commandsPerRequest(),
            Run.median(ca).commandsPerRequest()));
      }
      md.append('\n');
      addTargets(targets, s, ml, ca, lp, publishP99, wakeP99);
      if (ml != null && s.name().equals("cold-stampede")) {
        targets.add(floorRow(ml, floors));
      }
    }

    md.append("## Targets (issue \"The demo and the benchmarks\", BRIEF section 7)\n\n"
        + "Throughput ratios are the median of the per-round ratios (the contenders of a round ran next to"
        + " each other, so each round's ratio cancels most of the machine's drift); latency targets use the"
        + " median over rounds.\n\n"
        + "| target | measured | met |\n|---|---|---|\n");
    for (String[] t : targets) {
      md.append("| ").append(t[0]).append(" | ").append(t[1]).append(" | ").append(t[2]).append(" |\n");
    }
    md.append('\n').append(sections);
    md.append("\n## Log of every run\n\n```\n").append(log).append("```\n");
    return md.toString();
  }

  /**
   * Issue 14's target: the waiters' p99 beyond the computation within 1.5x the in-JVM floor of the
   * same round (1,000 virtual threads woken from one future), every round; with the ratio to the
   * stampede-shaped floor (after 100 ms idle, from 4 woken threads) beside it.
   */
  private static String[] floorRow(List<Run> ml, List<Floor> floors) {
    StringBuilder ratios = new StringBuilder();
    boolean every = true;
    for (Run r : ml) {
      if (r.round() < 1 || r.round() > floors.size()) {
        continue;
      }
      Floor f = floors.get(r.round() - 1);
      double beyond = r.beyond().millis(0.99);
      double ratio = beyond / f.wake().millis(0.99);
      every &= ratio <= 1.5;
      ratios.append(String.format(Locale.ROOT, "%sround %d: %.2f ms = %.1fx of %.2f (%.1fx of %.2f idle)",
          ratios.length() == 0 ? "" : "; ", r.round(), beyond, ratio, f.wake().millis(0.99),
          beyond / f.idleWake().millis(0.99), f.idleWake().millis(0.99)));
    }
    return new String[] {
      "cold-stampede: waiters' p99 beyond the computation <= 1.5x the in-JVM floor p99 of its round,"
          + " every round (issue 14)",
      ratios.toString(), every ? "yes" : "no"};
  }

  private static void addTargets(
      List<String[]> targets, Scenario s, List<Run> ml, List<Run> ca, List<Run> lp, double publishP99,
      double wakeP99) {
    if (ml == null) {
      return;
    }
    Run m = Run.median(ml);
    switch (s.name()) {
      case "hot-hit", "hot-hit-spread" -> {
        if (ca != null) {
          double[] r = pairedRatios(ml, ca, Run::throughput);
          double ratio = medianOf(r);
          targets.add(row(s.name() + ": MemoLock remote-hit throughput >= 0.9x bare cache-aside",
              String.format(Locale.ROOT, "%.2fx (rounds: %s)", ratio, list(r, "%.2f")), ratio >= 0.9));
        }
      }
      case "cold-stampede" -> {
        boolean one = ml.stream().allMatch(r -> r.computations() == 1 && r.errors() == 0);
        targets.add(row("cold-stampede: 1 computation (every round, no errors)",
            ml.stream().map(r -> Integer.toString(r.computations())).collect(Collectors.joining(", ")),
            one));
        double[] perRound = ml.stream().mapToDouble(r -> r.beyond().millis(0.99)).toArray();
        double p99 = medianOf(perRound);
        double multiple = p99 / publishP99;
        targets.add(row(String.format(Locale.ROOT,
                "cold-stampede: waiters' p99 beyond the computation <= %.0fx PUBLISH->delivery p99",
                SMALL_MULTIPLE),
            String.format(Locale.ROOT, "median of rounds %.3f ms (rounds: %s) = %.1fx of %.3f ms;"
                    + " in-JVM fan-out floor p99: %.3f ms",
                p99, list(perRound, "%.2f"), multiple, publishP99, wakeP99),
            multiple <= SMALL_MULTIPLE));
        if (lp != null) {
          double a = m.commandsPerRequest();
          double b = Run.median(lp).commandsPerRequest();
          targets.add(row("cold-stampede: fewer Redis commands per request than lock-and-poll (median rounds)",
              String.format(Locale.ROOT, "%.3f vs %.3f", a, b), a < b));
        }
      }
      case "many-keys" -> {
        boolean exact = ml.stream().allMatch(r -> r.computations() == r.distinctIds() && r.errors() == 0);
        targets.add(row("many-keys: computations == distinct ids requested (every round)",
            ml.stream().map(r -> r.computations() + "/" + r.distinctIds()).collect(Collectors.joining(", ")),
            exact));
        if (ca != null) {
          double[] r = pairedRatios(ml, ca, Run::throughput);
          double ratio = medianOf(r);
          targets.add(row("many-keys: MemoLock throughput >= bare cache-aside",
              String.format(Locale.ROOT, "%.2fx (rounds: %s)", ratio, list(r, "%.2f")), ratio >= 1.0));
        }
      }
      default -> {}
    }
  }

  /** Per-round ratios of a to b (the contenders ran next to each other in each round). */
  static double[] pairedRatios(List<Run> a, List<Run> b, java.util.function.ToDoubleFunction<Run> f) {
    Map<Integer, Run> byRound = b.stream().collect(Collectors.toMap(Run::round, r -> r));
    return a.stream()
        .filter(r -> byRound.containsKey(r.round()))
        .mapToDouble(r -> f.applyAsDouble(r) / f.applyAsDouble(byRound.get(r.round())))
        .toArray();
  }

  static String list(double[] values, String format) {
    return java.util.Arrays.stream(values)
        .mapToObj(v -> String.format(Locale.ROOT, format, v))
        .collect(Collectors.joining(", "));
  }

  private static String[] row(String target, String measured, boolean met) {
    return new String[] {target, measured, met ? "yes" : "**NO**"};
  }

  private static double medianOf(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
