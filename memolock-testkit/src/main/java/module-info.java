/**
 * Test support for MemoLock: {@link io.memolock.testkit.TestRedis}, a real Redis server for tests,
 * and {@link io.memolock.testkit.HostileBytes}, adversarial inputs for decoders.
 *
 * <p>Testcontainers is only needed at run time when a Docker engine is reachable, so it is a static requirement.
 */
@SuppressWarnings("requires-transitive-automatic")
module io.memolock.testkit {
  requires transitive redis.clients.jedis;
  requires static testcontainers;
  requires static transitive net.jqwik.api; // HostileBytes only; its users have jqwik

  exports io.memolock.testkit;
}
