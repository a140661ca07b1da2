package io.memolock.spring.boot;

import redis.clients.jedis.UnifiedJedis;

/**
 * The Redis client of the auto-configured caches, and whether the auto-configuration built it (then
 * it closes it with the context; an application's own client stays the application's). Kept out of
 * the {@code UnifiedJedis} bean type so that no second {@code UnifiedJedis} bean appears. Immutable.
 *
 * @param client the client
 * @param owned whether the auto-configuration built it
 */
record UnifiedJedisHolder(UnifiedJedis client, boolean owned) implements AutoCloseable {
  @Override
  public void close() {
    if (owned) {
      client.close();
    }
  }
}
