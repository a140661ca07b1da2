/**
 * Test support for MemoLock: {@link io.memolock.testkit.TestRedis}, a real Redis server for tests;
 * {@link io.memolock.testkit.WithRedis}, which gives JUnit Jupiter and jqwik tests that server, emptied, with
 * clients closed after each test; and {@link io.memolock.testkit.HostileBytes}, adversarial inputs for decoders.
 *
 * <p>Testcontainers is only needed at run time when a Docker engine is reachable, so it is a static requirement.
 */
@SuppressWarnings("requires-transitive-automatic")
module io.memolock.testkit {
  requires transitive redis.clients.jedis;
  requires static testcontainers;
  requires static transitive net.jqwik.api; // HostileBytes and RedisLifecycleHook only; their users have jqwik
  requires static transitive org.junit.jupiter.api; // RedisExtension only; its users have JUnit Jupiter

  exports io.memolock.testkit;
}
