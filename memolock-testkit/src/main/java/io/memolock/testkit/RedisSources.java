package io.memolock.testkit;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the Redis for {@link TestRedis#shared()}, trying the sources in the order its class comment
 * gives ({@value TestRedis#ENV_URI}, {@code PATH}, Testcontainers, embedded-redis). Stateless, so
 * thread-safe; {@link TestRedis#shared()} calls it once per JVM.
 */
final class RedisSources {
  private RedisSources() {}

  static TestRedis discover() {
    String env = System.getenv(TestRedis.ENV_URI);
    if (env != null && !env.isBlank()) {
      // An explicit choice: no fallback if it does not answer.
      return fromUri(env.strip());
    }
    List<RuntimeException> failures = new ArrayList<>();

    Optional<java.nio.file.Path> onPath = RedisServerProcess.binaryOnPath();
    if (onPath.isPresent()) {
      try {
        return TestRedis.startOwned(onPath.get(), TestRedis.SOURCE_PATH);
      } catch (RuntimeException e) {
        failures.add(e);
        System.err.println(
            AtExit.LOG_PREFIX + "redis-server on PATH did not start, trying next source: " + e.getMessage());
      }
    }

    try {
      TestRedis fromContainer = startContainer();
      if (fromContainer != null) {
        return fromContainer;
      }
    } catch (RuntimeException | LinkageError e) {
      failures.add(new IllegalStateException("Testcontainers " + ContainerRedis.IMAGE + " failed", e));
      System.err.println(AtExit.LOG_PREFIX + "Testcontainers did not start Redis, trying next source: " + e);
    }

    try {
      return TestRedis.startEmbedded();
    } catch (RuntimeException e) {
      failures.add(e);
    }

    IllegalStateException error =
        new IllegalStateException(
            "No Redis for tests: set "
                + TestRedis.ENV_URI
                + ", install redis-server on PATH, make a Docker engine reachable, or run on Linux/macOS where the"
                + " embedded-redis binary works",
            failures.isEmpty() ? null : failures.get(failures.size() - 1));
    for (int i = 0; i < failures.size() - 1; i++) {
      error.addSuppressed(failures.get(i));
    }
    throw error;
  }

  private static TestRedis fromUri(String text) {
    URI given;
    try {
      given = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(TestRedis.ENV_URI + " is not a URI: " + text, e);
    }
    String path = given.getPath();
    if (!"redis".equalsIgnoreCase(given.getScheme())
        || given.getHost() == null
        || given.getUserInfo() != null
        || given.getQuery() != null
        || !(path == null || path.isEmpty() || path.equals("/") || path.equals("/0"))) {
      throw new IllegalStateException(
          TestRedis.ENV_URI
              + " must look like redis://HOST:PORT (no password, no database other than 0, no TLS), not: "
              + text);
    }
    String host = unbracket(given.getHost());
    int port = given.getPort() == -1 ? 6379 : given.getPort();
    try {
      RedisPing.awaitPing(host, port, null, () -> "(not started by this JVM)");
    } catch (RuntimeException e) {
      throw new IllegalStateException(TestRedis.ENV_URI + "=" + text + " does not answer PING", e);
    }
    return new TestRedis(host, port, TestRedis.SOURCE_URI, null, null);
  }

  private static TestRedis startContainer() {
    if (!ContainerRedis.dockerAvailable()) {
      return null;
    }
    Optional<ContainerRedis.Handle> handle = ContainerRedis.tryStart();
    if (handle.isEmpty()) {
      return null;
    }
    ContainerRedis.Handle h = handle.get();
    TestRedis redis =
        new TestRedis(unbracket(h.host()), h.port(), TestRedis.SOURCE_TESTCONTAINERS, null, h.stopper());
    AtExit.register("stopping " + redis, redis::stop);
    try {
      RedisPing.awaitPing(redis.host(), redis.port(), null, () -> "(container " + ContainerRedis.IMAGE + ")");
    } catch (RuntimeException e) {
      redis.stop();
      throw e;
    }
    return redis;
  }

  private static String unbracket(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
