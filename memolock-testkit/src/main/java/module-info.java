/**
 * Test support for MemoLock: {@link io.memolock.testkit.TestRedis}, a real Redis server for tests.
 *
 * <p>Testcontainers is only needed at run time when a Docker engine is reachable, so it is a static requirement.
 */
@SuppressWarnings("requires-transitive-automatic")
module io.memolock.testkit {
  requires transitive redis.clients.jedis;
  requires static testcontainers;

  exports io.memolock.testkit;
}
