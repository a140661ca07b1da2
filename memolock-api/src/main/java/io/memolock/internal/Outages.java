package io.memolock.internal;

import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * Which Redis failures are outages (Redis, or the part of a cluster that serves a key, cannot
 * answer now but may soon) rather than refusals: a dead or dropped connection; on a cluster, a
 * {@code CLUSTERDOWN}, {@code TRYAGAIN}, {@code MASTERDOWN} or {@code LOADING} reply, redirections
 * that did not settle, and Jedis's "No more cluster attempts left" once its own retries ran out
 * while a primary's slots move to its replica. A waiter rides out an outage up to one lock timeout
 * (see {@link Flight#run}), exactly as a standalone Redis's restart. Stateless and thread-safe.
 */
final class Outages {
  private Outages() {}

  /**
   * @param t a failure of a Redis command
   * @return whether it is an outage
   */
  static boolean isOutage(Throwable t) {
    if (t instanceof JedisConnectionException
        || t instanceof JedisClusterOperationException
        || t instanceof JedisRedirectionException) {
      return true;
    }
    if (t instanceof JedisDataException) {
      String m = String.valueOf(t.getMessage());
      return m.startsWith("CLUSTERDOWN")
          || m.startsWith("TRYAGAIN")
          || m.startsWith("MASTERDOWN")
          || m.startsWith("LOADING");
    }
    return false;
  }
}
