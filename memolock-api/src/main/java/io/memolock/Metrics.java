package io.memolock;

/**
 * A snapshot of a MemoLock's counters since it was built. Counters count callers, not Redis
 * commands, except where stated.
 *
 * @param hits callers served from Redis without waiting
 * @param misses callers that did not find the value on their first read
 * @param computations computations (and external triggers) started in this process
 * @param waits callers that waited for a value computed elsewhere (in another process, or by a
 *     flight of this process that lost the lock)
 * @param wakeUps waits ended by a notification carrying the value
 * @param timeouts callers that timed out
 * @param failures computations that failed here, plus failures received from elsewhere
 * @param takeovers locks taken over after their holder vanished without a value
 * @param coalesced callers that joined another caller's in-flight request in this process
 * @param waitTime distribution of the time callers spent waiting for a value computed elsewhere
 */
public record Metrics(
    long hits,
    long misses,
    long computations,
    long waits,
    long wakeUps,
    long timeouts,
    long failures,
    long takeovers,
    long coalesced,
    Distribution waitTime) {

  /**
   * A latency distribution, in microseconds.
   *
   * @param count number of samples
   * @param p50Micros median
   * @param p99Micros 99th percentile
   * @param maxMicros largest sample
   */
  public record Distribution(long count, long p50Micros, long p99Micros, long maxMicros) {}
}
