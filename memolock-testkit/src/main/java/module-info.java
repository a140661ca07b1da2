/**
 * Test support for MemoLock: {@link io.memolock.testkit.TestRedis}, a real Redis server for tests;
 * {@link io.memolock.testkit.WithRedis}, which gives JUnit Jupiter and jqwik tests that server, emptied, with
 * clients closed after each test; and {@link io.memolock.testkit.HostileBytes}, adversarial inputs for decoders.
 *
 * <p>Testcontainers is used, when a Docker engine is reachable, through reflection and not through a {@code
 * requires}: its jar has no stable module name (no descriptor, no {@code Automatic-Module-Name}), so requiring it
 * would tie this descriptor to a jar's file name. It may be on the class path or the module path.
 */
module io.memolock.testkit {
  requires transitive redis.clients.jedis;
  requires static transitive net.jqwik.api; // HostileBytes and RedisLifecycleHook only; their users have jqwik
  requires static transitive org.junit.jupiter.api; // RedisExtension only; its users have JUnit Jupiter

  exports io.memolock.testkit;
}
