package io.memolock.internal;

import io.memolock.Metrics;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one MemoLock counts, read as a {@link Metrics} snapshot. Counters count callers, not Redis
 * commands (see {@link Metrics} for each one's meaning). Thread-safe.
 */
final class Counters {
  final LongAdder hits = new LongAdder();
  final LongAdder misses = new LongAdder();
  final LongAdder computations = new LongAdder();
  final LongAdder waits = new LongAdder();
  final LongAdder wakeUps = new LongAdder();
  final LongAdder timeouts = new LongAdder();
  final LongAdder failures = new LongAdder();
  final LongAdder takeovers = new LongAdder();
  final LongAdder coalesced = new LongAdder();
  final WaitHistogram waitTime = new WaitHistogram();
  /** Failures survived, logged and counted. */
  final Incidents incidents = new Incidents();

  Metrics snapshot(long subscriberErrors) {
    return new Metrics(
        hits.sum(),
        misses.sum(),
        computations.sum(),
        waits.sum(),
        wakeUps.sum(),
        timeouts.sum(),
        failures.sum(),
        takeovers.sum(),
        coalesced.sum(),
        waitTime.snapshot(),
        incidents.count(Incidents.Kind.STORE),
        incidents.count(Incidents.Kind.RELEASE) + incidents.count(Incidents.Kind.ANNOUNCE),
        incidents.count(Incidents.Kind.RENEWAL),
        subscriberErrors,
        incidents.count(Incidents.Kind.NOTIFICATION));
  }
}
