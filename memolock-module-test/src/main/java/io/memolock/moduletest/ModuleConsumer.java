package io.memolock.moduletest;

import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.Metrics;
import io.memolock.redis.strings.StringStorage;
import java.lang.module.ModuleDescriptor;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import redis.clients.jedis.RedisClient;

/**
 * Runs a {@code get} (a miss that computes, then a hit) against the Redis given as {@code host port}, and prints
 * what the module system saw as {@code key=value} lines for {@code ModulePathTest} to check. Exits non-zero on any
 * failure. Not thread-safe; run once per JVM.
 */
public final class ModuleConsumer {

  private ModuleConsumer() {}

  /**
   * Entry point.
   *
   * @param args the Redis host and port
   * @throws Exception on any failure (the JVM then exits non-zero)
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: ModuleConsumer HOST PORT");
    }
    String host = args[0];
    int port = Integer.parseInt(args[1]);

    Module self = ModuleConsumer.class.getModule();
    Module api = MemoLock.class.getModule();
    Module strings = StringStorage.class.getModule();
    print("consumer.module", self.getName());
    print("api.module", api.getName());
    print("strings.module", strings.getName());
    print("jedis.module", RedisClient.class.getModule().getName());
    ModuleDescriptor descriptor = api.getDescriptor();
    print("api.version", descriptor.rawVersion().orElse("(none)"));
    print("api.automatic", descriptor.isAutomatic());
    print(
        "api.exports",
        descriptor.exports().stream()
            .sorted(Comparator.comparing(ModuleDescriptor.Exports::source))
            .map(e -> e.source() + (e.isQualified() ? " to " + String.join(",", e.targets()) : ""))
            .collect(Collectors.joining(";")));
    print("internal.exportedToConsumer", api.isExported("io.memolock.internal", self));
    print("internal.accessible", internalAccessible());
    print("classpath", System.getProperty("java.class.path", ""));

    String id = "module-path-" + UUID.randomUUID();
    try (RedisClient redis = RedisClient.create(host, port);
        MemoLock<String> lock =
            MemoLock.builder(redis, StringStorage.utf8()).tag("module-test").build()) {
      String computed =
          lock.get(id, Duration.ofSeconds(10), lease -> Computed.of("computed on the module path"));
      String hit =
          lock.get(
              id,
              Duration.ofSeconds(10),
              lease -> {
                throw new IllegalStateException("a hit must not compute");
              });
      Optional<String> present = lock.getIfPresent(id);
      Metrics metrics = lock.metrics();
      print("get.computed", computed);
      print("get.hit", hit);
      print("get.present", present.orElse("(absent)"));
      print("metrics.computations", metrics.computations());
      print("metrics.hits", metrics.hits());
      lock.invalidate(id);
    }
    print("done", true);
  }

  /** Whether this module can reflect on the engine's package: it must not (strong encapsulation). */
  private static boolean internalAccessible() {
    try {
      Class<?> engine = Class.forName("io.memolock.internal.Engine");
      engine.getConstructors()[0].setAccessible(true);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false; // InaccessibleObjectException, or the class is not there
    }
  }

  private static void print(String key, Object value) {
    System.out.println(key + "=" + value);
  }
}
