package io.memolock.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.RedisClient;

/**
 * What a result depends on: the machine, the JVM, Redis and the client library.
 *
 * @param facts name to value, in report order
 */
record Machine(Map<String, String> facts) {

  static Machine describe(Target redis) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("cores (availableProcessors)", Integer.toString(Runtime.getRuntime().availableProcessors()));
    f.put("CPU", firstLine(Path.of("/proc/cpuinfo"), "model name"));
    f.put("memory", firstLine(Path.of("/proc/meminfo"), "MemTotal"));
    f.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    f.put("Java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
        + " (" + System.getProperty("java.vendor") + ")");
    f.put("JVM heap (max)", Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
    try (RedisClient client = RedisClient.create(redis.host(), redis.port())) {
      String info = client.info("server");
      f.put("Redis", value(info, "redis_version") + " (" + value(info, "executable") + ", "
          + value(info, "multiplexing_api") + ")");
    } catch (RuntimeException e) {
      f.put("Redis", "unknown: " + e);
    }
    f.put("Jedis", jedisVersion());
    f.put("MemoLock commit", gitCommit());
    return new Machine(f);
  }

  String oneLine() {
    return facts.get("cores (availableProcessors)") + " cores, " + facts.get("Java") + ", Redis "
        + facts.get("Redis") + ", Jedis " + facts.get("Jedis");
  }

  private static String value(String info, String name) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).strip();
      }
    }
    return "?";
  }

  private static String firstLine(Path file, String prefix) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(prefix)) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return "n/a";
  }

  private static String jedisVersion() {
    try (InputStream in =
        RedisClient.class.getResourceAsStream("/META-INF/maven/redis.clients/jedis/pom.properties")) {
      if (in == null) {
        return "?";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "?");
    } catch (IOException e) {
      return "?";
    }
  }

  private static String gitCommit() {
    try {
      Process p =
          new ProcessBuilder("git", "describe", "--always", "--dirty", "--abbrev=12")
              .redirectErrorStream(true)
              .start();
      p.getOutputStream().close();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "?";
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.exitValue() == 0 ? out : "?";
    } catch (IOException e) {
      return "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }
}
