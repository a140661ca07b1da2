package io.memolock.examples;

import com.sun.net.httpserver.HttpServer;
import io.memolock.LeaseLostException;
import io.memolock.MemoLock;
import io.memolock.Metrics;
import io.memolock.redis.strings.StringStorage;
import io.memolock.testkit.RedisServerProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import redis.clients.jedis.RedisClient;

/**
 * The MemoLock demo's server set-up: the routes of the original Go example on the JDK's HTTP
 * server, one virtual thread per request, with the tags {@code query}, {@code report} and {@code
 * ext} in the classic key scheme, so that the Go example (or {@code redis-cli}) on the same Redis
 * cooperates with it.
 *
 * <ul>
 *   <li>{@code GET /query/simple/{id}}: 2 s of work, value cached for 5 s.
 *   <li>{@code GET /report/renewable/{id}}: 2 s of work, renews its 5 s lock to 20 s, 6 s more.
 *   <li>{@code GET /report/oh-no/{id}}: 6 s of work, then renews its 5 s lock: too late, the lease
 *       is lost and the request fails with the {@link LeaseLostException} in the response.
 *   <li>{@code GET /ext/stemmer/{word}}: the lock winner starts a separate producer process ({@link
 *       StemmerProducer}) that stems the word and writes and publishes the result itself.
 *   <li>{@code GET /stats}: the three MemoLocks' metrics as JSON.
 * </ul>
 *
 * <p>Responses carry {@code X-MemoLock-Computed: true} when this request's own computation (or
 * trigger) ran, and {@code X-Elapsed-Ms}. The routes themselves are in {@link DemoRoutes}, the
 * producer processes in {@link ProducerProcesses}; this class builds the MemoLocks and the HTTP
 * server, makes sure a Redis answers, and runs {@code main}.
 */
public final class DemoServer implements AutoCloseable {
  private static final PrintStream LOG = System.out;

  private final Config config;
  private final RedisClient redis;
  private final MemoLock<String> query;
  private final MemoLock<String> report;
  private final MemoLock<String> ext;
  private final HttpServer server;
  private final ExecutorService executor;
  private final ProducerProcesses producers;

  private DemoServer(Config config) throws IOException {
    this.config = config;
    this.redis = RedisClient.create(config.redisHost(), config.redisPort());
    try {
      this.query =
          MemoLock.builder(redis, StringStorage.utf8())
              .tag("query")
              .lockTimeout(DemoRoutes.scaled(config, 5_000))
              .build();
      // Renewal is manual here, as in the original example: that is what the two routes show.
      this.report =
          MemoLock.builder(redis, StringStorage.utf8())
              .tag("report")
              .lockTimeout(DemoRoutes.scaled(config, 5_000))
              .autoRenew(false)
              .build();
      this.ext =
          MemoLock.builder(redis, StringStorage.utf8())
              .tag(StemmerProducer.TAG)
              .lockTimeout(Duration.ofSeconds(15))
              .build();
      this.executor = Executors.newVirtualThreadPerTaskExecutor();
      this.server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 128);
    } catch (IOException | RuntimeException e) {
      redis.close();
      throw e;
    }
    this.producers = new ProducerProcesses(config.redis(), LOG);
    DemoRoutes routes = new DemoRoutes(config, query, report, ext, producers, this::metrics, LOG);
    server.setExecutor(executor);
    server.createContext("/", routes::handle);
    server.start();
  }

  /**
   * Starts the demo on a Redis that answers at {@code config.redis()}.
   *
   * @param config the configuration
   * @return the running server
   * @throws IOException if the HTTP port cannot be bound
   */
  public static DemoServer start(Config config) throws IOException {
    return new DemoServer(config);
  }

  /** @return the HTTP port (useful with {@code --port 0}) */
  public int port() {
    return server.getAddress().getPort();
  }

  /** @return the three MemoLocks' metrics, by tag */
  public Map<String, Metrics> metrics() {
    Map<String, Metrics> m = new LinkedHashMap<>();
    m.put(query.tag(), query.metrics());
    m.put(report.tag(), report.metrics());
    m.put(ext.tag(), ext.metrics());
    return m;
  }

  /** Stops the HTTP server, the MemoLocks and the Redis client. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    query.close();
    report.close();
    ext.close();
    redis.close();
    producers.destroyAll();
  }

  // ------------------------------------------------------------------ main

  /**
   * Runs the demo (or the stampede mode with {@code --stampede}) until the process is stopped.
   *
   * @param args see {@link Config#USAGE}
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    Config config;
    try {
      config = Config.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println();
      System.err.print(Config.USAGE);
      System.exit(2);
      return;
    }
    Optional<Config> ready = ensureRedis(config, LOG, System.err);
    if (ready.isEmpty()) {
      System.exit(1);
      return;
    }
    config = ready.get();
    if (config.stampede()) {
      Stampede.Result result = Stampede.run(config, LOG, System.err);
      System.exit(result.computations() == 1 && result.errors() == 0 ? 0 : 1);
      return;
    }
    DemoServer demo = start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  demo.close();
                  stopped.countDown();
                },
                "memolock-demo-stop"));
    String base = "http://" + config.host() + ":" + demo.port();
    LOG.println("MemoLock demo listening on " + base + " (Redis " + config.redis() + ")");
    LOG.println("GET " + base + "/query/simple/{foo}     -> simple caching (2 s of work, 5 s TTL)");
    LOG.println("GET " + base + "/report/renewable/{foo} -> renewable lock");
    LOG.println("GET " + base + "/report/oh-no/{bar}     -> failure case for renewable lock");
    LOG.println("GET " + base + "/ext/stemmer/{banana}   -> external producer process");
    LOG.println("GET " + base + "/stats                  -> metrics as JSON");
    LOG.println("Try two at once: curl " + base + "/query/simple/x & curl " + base
        + "/query/simple/x   (one computation). Ctrl-C stops.");
    stopped.await();
  }

  /**
   * Makes sure a Redis answers: the configured one, else a {@code redis-server} from {@code PATH}
   * started on a free loopback port.
   *
   * @return the configuration to use, or empty (after explaining what to do on {@code err})
   */
  static Optional<Config> ensureRedis(Config config, PrintStream out, PrintStream err) {
    if (RedisServerProcess.answersPing(config.redisHost(), config.redisPort())) {
      return Optional.of(config);
    }
    Optional<Path> binary = config.startRedis() ? RedisServerProcess.binaryOnPath() : Optional.empty();
    if (binary.isPresent()) {
      try {
        RedisServerProcess local = RedisServerProcess.start(binary.get());
        out.println(
            "No Redis answered at "
                + config.redis()
                + ", so this demo started its own: "
                + binary.get()
                + " (pid "
                + local.pid()
                + ") at "
                + local.uri()
                + "; it stops when the demo stops.");
        return Optional.of(config.withRedis(local.uri()));
      } catch (IllegalStateException | UncheckedIOException e) {
        err.println("error: could not start " + binary.get() + ": " + e.getMessage());
      }
    }
    err.println("error: no Redis answers at " + config.redis() + ".");
    if (config.startRedis()) {
      err.println("No redis-server is on PATH either, so the demo cannot start one for you.");
    }
    err.println("Either install Redis (Debian/Ubuntu: sudo apt-get install redis-server;");
    err.println("macOS: brew install redis) and run this command again, or point the demo at a");
    err.println("running Redis with --redis redis://HOST:PORT (or MEMOLOCK_REDIS=redis://HOST:PORT).");
    return Optional.empty();
  }

  /** @return the Redis this demo uses */
  public URI redisUri() {
    return config.redis();
  }
}
