package io.memolock.benchmarks;

import io.memolock.examples.Percentiles;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One run of one contender in one scenario: what {@link ScenarioRunner#runOnce} measured.
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
 * @param beyond for requests that started before their value first existed: request end minus the
 *     end of that value's first computation
 * @param commands Redis commands executed (INFO commandstats, including inside scripts)
 * @param scripts EVAL/EVALSHA calls among them
 * @param timedOut whether the run hit its time limit
 * @param firstComputeStartNanos when the first computation started, after the timed start (-1:
 *     none)
 * @param jvmCpuNanos CPU time this JVM used during the run (all its threads)
 * @param redisCpuMicros CPU time Redis used during the run
 * @param notes MemoLock's own counters summed over its instances (empty for baselines)
 * @param toCompute per computed id: its first computation's start minus its first request's start
 *     (the miss path before the computation: reads, lock, hand-offs)
 * @param cluster commands per node and notification counts (on a standalone Redis: one node)
 * @param heapBeforeBytes heap in use as the timed part started
 * @param heapPeakBytes largest heap in use sampled during it (garbage included)
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
    Percentiles toCompute,
    Cluster cluster,
    long heapBeforeBytes,
    long heapPeakBytes) {

  /**
   * Where the work went, node by node, and what each instance heard.
   *
   * @param commandsPerNode Redis commands per primary ("host:port"), as in {@code commands}
   * @param publishes classic {@code PUBLISH} calls, all nodes
   * @param spublishes sharded {@code SPUBLISH} calls, all nodes
   * @param received per instance: notifications its subscriber received (MemoLock only)
   * @param stray per instance: those that came on a channel it had no waiter for
   */
  record Cluster(
      java.util.Map<String, Long> commandsPerNode,
      long publishes,
      long spublishes,
      List<Long> received,
      List<Long> stray) {}

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

  /** @return one line for the log */
  String describe() {
    Run r = this;
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

  /** @return the run whose throughput is the median of the rounds */
  static Run median(List<Run> runs) {
    List<Run> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparingDouble(Run::throughput));
    return sorted.get(sorted.size() / 2);
  }
}
