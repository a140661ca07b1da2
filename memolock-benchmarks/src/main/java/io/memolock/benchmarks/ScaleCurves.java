package io.memolock.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The scale curves: how MemoLock's cost grows with the work, one point per size, each point a run
 * of {@link ScenarioRunner} on fresh clients with garbage collected first.
 *
 * <ul>
 *   <li><b>instances</b>: 1,000 virtual threads on one cold key spread over N instances (each its
 *       own client), 100 ms computation. Each instance pays its own read, lock attempt and
 *       subscription, so Redis commands should grow linearly with N.
 *   <li><b>waiters</b>: W virtual threads on one cold key over 4 instances, 100 ms computation.
 *       Callers of one instance share one flight, so the Redis commands of a stampede should not
 *       grow with W (per request they fall as 1/W).
 *   <li><b>keys</b>: K cold keys, each asked by two callers (requests i and i+K; thread t uses
 *       instance t mod 2), 2K virtual threads at once over 2 instances, 100 ms computation: K
 *       computations, up to K ids waited on at once. Commands per request should stay flat.
 * </ul>
 *
 * <p>MemoLock only: a lock-and-poll loop with 100,000 pollers would send 10 million GETs a second.
 * Not thread-safe; one curve runs at a time.
 */
final class ScaleCurves {
  static final long COMPUTE_MICROS = 100_000;

  /** A curve: what grows along its x axis. */
  enum Curve {
    INSTANCES("instances", "instances (1,000 callers on one cold key)"),
    WAITERS("waiters", "callers on one cold key (4 instances)"),
    KEYS("keys", "distinct cold keys, each asked twice (2 instances)");

    final String name;
    final String axis;

    Curve(String name, String axis) {
      this.name = name;
      this.axis = axis;
    }

    Scenario point(int x) {
      return switch (this) {
        case INSTANCES -> new Scenario("instances-" + x,
            x + " instances, 1,000 virtual threads in all, one cold key, 100 ms computation",
            x, 1_000, 1_000, 1, "one", COMPUTE_MICROS, false);
        case WAITERS -> new Scenario("waiters-" + x,
            "4 instances, " + x + " virtual threads, one cold key, 100 ms computation",
            4, x, x, 1, "one", COMPUTE_MICROS, false);
        case KEYS -> new Scenario("keys-" + x,
            "2 instances, " + x + " cold keys each asked twice (" + 2 * x
                + " virtual threads at once), 100 ms computation",
            2, 2 * x, 2 * x, x, "round-robin", COMPUTE_MICROS, false);
      };
    }

    static Curve named(String name) {
      for (Curve c : values()) {
        if (c.name.equals(name.strip())) {
          return c;
        }
      }
      throw new IllegalArgumentException("unknown curve " + name + " (instances, waiters, keys)");
    }
  }

  /**
   * The sizes of each curve.
   *
   * @param instances numbers of instances
   * @param waiters numbers of callers on one key
   * @param keys numbers of distinct keys
   */
  record Points(List<Integer> instances, List<Integer> waiters, List<Integer> keys) {
    static final Points FULL =
        new Points(List.of(1, 2, 4, 8, 16), List.of(1_000, 10_000, 100_000),
            List.of(1_000, 10_000, 100_000));
    static final Points QUICK = new Points(List.of(1, 2), List.of(100, 1_000), List.of(100, 1_000));

    List<Integer> of(Curve c) {
      return switch (c) {
        case INSTANCES -> instances;
        case WAITERS -> waiters;
        case KEYS -> keys;
      };
    }

    Points with(Curve c, List<Integer> sizes) {
      for (int x : sizes) {
        if (x < 1 || x > 200_000) {
          throw new IllegalArgumentException("curve sizes must be 1..200000: " + x);
        }
      }
      return new Points(c == Curve.INSTANCES ? sizes : instances,
          c == Curve.WAITERS ? sizes : waiters, c == Curve.KEYS ? sizes : keys);
    }
  }

  /**
   * One point of a curve.
   *
   * @param curve the curve
   * @param x its size
   * @param run what the run measured
   */
  record Point(Curve curve, int x, Run run) {
    double commandsPerRequest() {
      return run.commandsPerRequest();
    }

    double redisCpuMicrosPerRequest() {
      return run.redisCpuMicrosPerRequest();
    }

    /** @return the waiters' p99 beyond the computation, in ms (NaN if none waited) */
    double beyondP99Millis() {
      return run.beyond().millis(0.99);
    }

    /** @return the heap's peak growth over the run, in MiB */
    double heapGrowthMiB() {
      return Math.max(0, run.heapPeakBytes() - run.heapBeforeBytes()) / (1024.0 * 1024.0);
    }

    String describe() {
      return String.format(Locale.ROOT,
          "curve %-9s %7d: %7d req %6d comp %d errors, %d Redis commands (%.4f/req), Redis CPU"
              + " %.2f us/req, beyond p99 %.3f ms, heap %.0f -> %.0f MiB (+%.0f), %.1f s%s",
          curve.name, x, run.done(), run.computations(), run.errors(), run.commands(),
          commandsPerRequest(), redisCpuMicrosPerRequest(), beyondP99Millis(),
          run.heapBeforeBytes() / 1048576.0, run.heapPeakBytes() / 1048576.0, heapGrowthMiB(),
          run.wallNanos() / 1e9, run.timedOut() ? " TIME LIMIT" : "");
    }
  }

  private final ScenarioRunner runner;

  ScaleCurves(ScenarioRunner runner) {
    this.runner = runner;
  }

  /**
   * Runs every point of the given curves, smallest first.
   *
   * @param log gets one line per point
   * @return the points, curve by curve
   */
  List<Point> run(List<Curve> curves, Points points, Consumer<String> log) throws Exception {
    List<Point> out = new ArrayList<>();
    for (Curve c : curves) {
      for (int x : points.of(c).stream().sorted().toList()) {
        Run run = runner.runOnce(c.point(x), Contender.MEMOLOCK, 1, true);
        Point p = new Point(c, x, run);
        log.accept(p.describe());
        out.add(p);
      }
    }
    return out;
  }
}
