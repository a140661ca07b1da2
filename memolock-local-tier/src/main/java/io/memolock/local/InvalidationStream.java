package io.memolock.local;

import org.jspecify.annotations.Nullable;

/**
 * What keeps a near cache's invalidations coming: {@link Tracker} on a standalone Redis, {@link
 * ClusterTracker} on a Redis Cluster. Either takes the near cache down (flushed) whenever it may
 * have missed an invalidation, and brings it live again (from empty) once every write to the tag's
 * keys is reported again. Thread-safe.
 */
interface InvalidationStream {

  /** Starts keeping the stream up; the near cache goes live once it is. */
  void start();

  /** Stops, takes the near cache down and closes every connection. Idempotent. */
  void close();

  /** @return the last failure met while (re)establishing the stream, for diagnostics and tests */
  @Nullable Exception lastError();
}
