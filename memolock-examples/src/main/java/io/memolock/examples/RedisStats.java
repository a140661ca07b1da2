package io.memolock.examples;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.UnifiedJedis;

/**
 * Counts the commands a Redis server executed between two snapshots, from {@code INFO
 * commandstats}. Commands run inside Lua scripts count too (Redis counts them), so this is the
 * server's work, not the number of round trips. {@code INFO} itself and connection set-up ({@code
 * CLIENT SETINFO}, {@code HELLO}, {@code PING}, {@code AUTH}, {@code SELECT}) are left out.
 *
 * <p>Immutable, so thread-safe. Shared by the stampede mode here and the load runner of
 * memolock-benchmarks (which depends on this module for it).
 *
 * @param calls calls per command name (e.g. {@code get}, {@code evalsha}, {@code client|setinfo})
 * @param cpuMicros the server's CPU time so far (user + system, all its threads), from {@code INFO
 *     cpu}
 */
public record RedisStats(Map<String, Long> calls, long cpuMicros) {
  private static final Set<String> SETUP = Set.of("info", "hello", "ping", "auth", "select");

  /**
   * @param redis the server to read
   * @return its counters now
   */
  public static RedisStats take(UnifiedJedis redis) {
    String info = redis.info("commandstats");
    String cpu = redis.info("cpu");
    double seconds = 0;
    for (String line : cpu.split("\r?\n")) {
      if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
        seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).strip());
      }
    }
    Map<String, Long> calls = new HashMap<>();
    for (String line : info.split("\r?\n")) {
      if (!line.startsWith("cmdstat_")) {
        continue;
      }
      int colon = line.indexOf(':');
      int start = line.indexOf("calls=", colon);
      int end = line.indexOf(',', start);
      if (colon < 0 || start < 0 || end < 0) {
        continue;
      }
      calls.put(line.substring(8, colon), Long.parseLong(line.substring(start + 6, end)));
    }
    return new RedisStats(calls, Math.round(seconds * 1e6));
  }

  /** @return the commands executed since {@code before}, without set-up and INFO */
  public long commandsSince(RedisStats before) {
    long total = 0;
    for (Map.Entry<String, Long> e : calls.entrySet()) {
      String name = e.getKey();
      if (SETUP.contains(name) || name.startsWith("client")) {
        continue;
      }
      total += e.getValue() - before.calls.getOrDefault(name, 0L);
    }
    return total;
  }

  /** @return the EVAL/EVALSHA calls since {@code before}: each one is a single round trip */
  public long scriptsSince(RedisStats before) {
    long total = 0;
    for (String name : new String[] {"eval", "evalsha", "eval_ro", "evalsha_ro", "fcall"}) {
      total += calls.getOrDefault(name, 0L) - before.calls.getOrDefault(name, 0L);
    }
    return total;
  }

  /** @return the server's CPU time since {@code before}, in microseconds */
  public long cpuMicrosSince(RedisStats before) {
    return cpuMicros - before.cpuMicros;
  }
}
