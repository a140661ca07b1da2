package io.memolock;

/**
 * A snapshot of a MemoLock's counters since it was built. Counters count callers, not Redis
 * commands, except where stated.
 *
 * <p>Every request ({@code get}, {@code find}, {@code getExternal}) counts once, whatever its end,
 * as a hit or a miss; the other counters say more about some of them.
 *
 * @param hits requests served by their first read (a value, or a cached absence found at once)
 * @param misses every other request: it did not find the value on its first read, or it ended
 *     without a value (a failure, a timeout, undecodable bytes, an unreachable Redis)
 * @param computations computations (and external triggers) started in this process
 * @param waits callers that waited for a value computed elsewhere (in another process, or by a
 *     flight of this process that lost the lock)
 * @param wakeUps waits ended by a notification carrying the value
 * @param timeouts callers that timed out
 * @param failures computations that failed here, plus failures received from elsewhere
 * @param takeovers locks taken over after their holder vanished without a value
 * @param coalesced callers that joined another caller's in-flight request in this process
 * @param waitTime distribution of the time callers spent waiting for a value computed elsewhere
 * @param storeFailures computed values (or absences) that could not be stored; their callers
 *     failed with the cause
 * @param releaseFailures locks that could not be released, and failures that could not be
 *     announced (the lock then expires by itself)
 * @param renewalFailures lease renewals that failed on a Redis error (retried at the next period;
 *     a lease found lost is not counted here)
 * @param subscriberErrors problems of the shared subscriber connection of this client (drops,
 *     failed writes, listeners that threw); it reconnects and resubscribes after each
 * @param undecodableNotifications notifications whose payload could not be decoded; their waiters
 *     re-read the value instead
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
    Distribution waitTime,
    long storeFailures,
    long releaseFailures,
    long renewalFailures,
    long subscriberErrors,
    long undecodableNotifications) {

  /**
   * A latency distribution, in microseconds.
   *
   * @param count number of samples
   * @param p50Micros median
   * @param p99Micros 99th percentile
   * @param maxMicros largest sample
   * @param sumMicros sum of all samples (with {@code count}, the mean; what a Micrometer timer
   *     needs)
   */
  public record Distribution(
      long count, long p50Micros, long p99Micros, long maxMicros, long sumMicros) {}
}
