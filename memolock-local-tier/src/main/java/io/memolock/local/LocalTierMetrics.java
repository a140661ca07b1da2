package io.memolock.local;

import io.memolock.Metrics;

/**
 * A snapshot of a {@link LocalTier}'s counters since it was built, with the wrapped MemoLock's.
 * Counters count callers, except where stated.
 *
 * @param hits callers served from the near cache (no Redis round trip)
 * @param misses callers that went to the wrapped MemoLock
 * @param invalidations invalidation messages received for this tier's keys (each may drop a near
 *     copy or cancel a fill in progress)
 * @param flushes times the whole near cache was dropped: the invalidation stream was interrupted,
 *     or Redis was flushed
 * @param refreshes early recomputations this process ran and stored (refresh before expiry)
 * @param refreshFailures early recomputations this process started that failed (each logged, at
 *     most one line per 10 s)
 * @param hintFailures commands beside a near miss that failed: reading the value's TTL (the copy
 *     was then not kept near) or recording its computation time for early refresh; the caller got
 *     its value either way (each logged, at most one line per 10 s)
 * @param streamFailures failures of the invalidation stream's own work: a tracking connection that
 *     could not be opened or that ended on an error, a topology load or role check that failed on a
 *     cluster (each logged, at most one line per 10 s); the near cache is down until it is back
 * @param estimatedSize near entries held now (approximate; may count expired copies not yet dropped,
 *     which are never served)
 * @param active whether the near cache serves now: false while the invalidation stream is being
 *     (re-)established, when every call goes to Redis
 * @param remote the wrapped MemoLock's counters (calls that reached Redis)
 */
public record LocalTierMetrics(
    long hits,
    long misses,
    long invalidations,
    long flushes,
    long refreshes,
    long refreshFailures,
    long hintFailures,
    long streamFailures,
    long estimatedSize,
    boolean active,
    Metrics remote) {}
