package io.memolock.examples;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Objects;

/**
 * The demo's options, from command-line arguments, else environment variables, else defaults.
 *
 * @param redis where Redis is expected ({@code --redis}, env {@code MEMOLOCK_REDIS}; default {@code
 *     redis://127.0.0.1:6379})
 * @param startRedis whether to start a local {@code redis-server} when nothing answers at {@code
 *     redis} ({@code --no-start-redis} turns it off)
 * @param host the address the HTTP server binds ({@code --host}, env {@code MEMOLOCK_HOST}; default
 *     {@code 127.0.0.1})
 * @param port the HTTP port ({@code --port}, env {@code MEMOLOCK_PORT}; default 8080; 0 picks a
 *     free one)
 * @param timeScale multiplies the simulated work times, TTLs, lock timeouts and request timeouts of
 *     the query and report routes ({@code --time-scale}; default 1, tests use less)
 * @param stampede run the stampede mode instead of the server ({@code --stampede})
 * @param instances stampede: MemoLock instances, each with its own Redis client ({@code
 *     --instances}; default 4)
 * @param threads stampede: virtual threads per instance ({@code --threads}; default 250)
 * @param computeMillis stampede: duration of the one computation ({@code --compute-ms}; default
 *     100)
 */
public record Config(
    URI redis,
    boolean startRedis,
    String host,
    int port,
    double timeScale,
    boolean stampede,
    int instances,
    int threads,
    long computeMillis) {

  static final String USAGE =
      """
      Usage: DemoServer [--redis redis://HOST:PORT] [--no-start-redis] [--host ADDR] [--port N]
             DemoServer --stampede [--instances N] [--threads M] [--compute-ms MS] [--redis ...]

        --redis URI        Redis to use (env MEMOLOCK_REDIS; default redis://127.0.0.1:6379).
                           If nothing answers there, a local redis-server from PATH is started on a
                           free loopback port, unless --no-start-redis is given.
        --host ADDR        HTTP bind address (env MEMOLOCK_HOST; default 127.0.0.1)
        --port N           HTTP port (env MEMOLOCK_PORT; default 8080)
        --stampede         run N instances x M virtual threads on one cold key, then print a
                           summary table and one JSON line, instead of serving HTTP
        --instances N      stampede: MemoLock instances, each with its own Redis client (default 4)
        --threads M        stampede: virtual threads per instance (default 250)
        --compute-ms MS    stampede: duration of the single computation (default 100)
        --time-scale X     multiply the query/report routes' times (default 1)
      """;

  /** Validates the options. */
  public Config {
    Objects.requireNonNull(redis, "redis");
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("--port must be 0..65535, was " + port);
    }
    if (!(timeScale > 0) || timeScale > 100) {
      throw new IllegalArgumentException("--time-scale must be in (0, 100], was " + timeScale);
    }
    if (instances < 1 || instances > 64) {
      throw new IllegalArgumentException("--instances must be 1..64, was " + instances);
    }
    if (threads < 1 || threads > 100_000) {
      throw new IllegalArgumentException("--threads must be 1..100000, was " + threads);
    }
    if (computeMillis < 0 || computeMillis > 60_000) {
      throw new IllegalArgumentException("--compute-ms must be 0..60000, was " + computeMillis);
    }
  }

  /**
   * @param args command-line arguments
   * @param env environment variables
   * @return the configuration
   * @throws IllegalArgumentException for an unknown option or a bad value (the message says which)
   */
  public static Config parse(String[] args, Map<String, String> env) {
    String redis = env.getOrDefault("MEMOLOCK_REDIS", "redis://127.0.0.1:6379");
    String host = env.getOrDefault("MEMOLOCK_HOST", "127.0.0.1");
    String port = env.getOrDefault("MEMOLOCK_PORT", "8080");
    boolean startRedis = true;
    String timeScale = "1";
    boolean stampede = false;
    String instances = "4";
    String threads = "250";
    String computeMs = "100";
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String name = a;
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      switch (name) {
        case "--no-start-redis" -> startRedis = false;
        case "--stampede" -> stampede = true;
        case "--redis", "--host", "--port", "--time-scale", "--instances", "--threads",
            "--compute-ms" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException(name + " needs a value");
            }
            value = args[++i];
          }
          switch (name) {
            case "--redis" -> redis = value;
            case "--host" -> host = value;
            case "--port" -> port = value;
            case "--time-scale" -> timeScale = value;
            case "--instances" -> instances = value;
            case "--threads" -> threads = value;
            default -> computeMs = value;
          }
        }
        case "" -> {
          // an empty argument (e.g. an empty ${demo.args}): ignore it
        }
        default -> throw new IllegalArgumentException("unknown option: " + a);
      }
    }
    return new Config(
        redisUri(redis),
        startRedis,
        host,
        integer("--port", port),
        number("--time-scale", timeScale),
        stampede,
        integer("--instances", instances),
        integer("--threads", threads),
        integer("--compute-ms", computeMs));
  }

  /** @return {@link #redis()}'s host */
  public String redisHost() {
    return redis.getHost();
  }

  /** @return {@link #redis()}'s port */
  public int redisPort() {
    return redis.getPort() == -1 ? 6379 : redis.getPort();
  }

  /**
   * @param redis another Redis
   * @return this configuration with that Redis
   */
  public Config withRedis(URI redis) {
    return new Config(
        redis, startRedis, host, port, timeScale, stampede, instances, threads, computeMillis);
  }

  static URI redisUri(String text) {
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--redis is not a URI: " + text, e);
    }
    if (!"redis".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("--redis must look like redis://HOST:PORT, not: " + text);
    }
    return uri;
  }

  private static int integer(String name, String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, was '" + value + "'", e);
    }
  }

  private static double number(String name, String value) {
    try {
      return Double.parseDouble(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, was '" + value + "'", e);
    }
  }
}
