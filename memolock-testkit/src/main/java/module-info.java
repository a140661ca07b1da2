/**
 * Test support for MemoLock: {@link io.memolock.testkit.TestRedis}, a real Redis server for tests.
 *
 * <p>Testcontainers is used, when a Docker engine is reachable, through reflection and not through a {@code
 * requires}: its jar has no stable module name (no descriptor, no {@code Automatic-Module-Name}), so requiring it
 * would tie this descriptor to a jar's file name. It may be on the class path or the module path.
 */
module io.memolock.testkit {
  requires transitive redis.clients.jedis;

  exports io.memolock.testkit;
}
