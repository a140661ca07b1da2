package io.memolock.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.memolock.ComputationFailedException;
import io.memolock.Computed;
import io.memolock.LeaseLostException;
import io.memolock.MemoLock;
import io.memolock.MemoLockException;
import io.memolock.MemoLockTimeoutException;
import io.memolock.Metrics;
import io.memolock.redis.strings.StringStorage;
import io.memolock.testkit.RedisServerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import redis.clients.jedis.RedisClient;

/**
 * The MemoLock demo: the routes of the original Go example on the JDK's HTTP server, one virtual
 * thread per request, with the tags {@code query}, {@code report} and {@code ext} in the classic key
 * scheme, so that the Go example (or {@code redis-cli}) on the same Redis cooperates with it.
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
 * trigger) ran, and {@code X-Elapsed-Ms}.
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
  private final Set<Process> producers = ConcurrentHashMap.newKeySet();

  private DemoServer(Config config) throws IOException {
    this.config = config;
    this.redis = RedisClient.create(config.redisHost(), config.redisPort());
    try {
      this.query =
          MemoLock.builder(redis, StringStorage.utf8())
              .tag("query")
              .lockTimeout(scaled(5_000))
              .build();
      // Renewal is manual here, as in the original example: that is what the two routes show.
      this.report =
          MemoLock.builder(redis, StringStorage.utf8())
              .tag("report")
              .lockTimeout(scaled(5_000))
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
    server.setExecutor(executor);
    server.createContext("/", this::handle);
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
    List.copyOf(producers).forEach(Process::destroy);
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

  // ------------------------------------------------------------------ routes

  private Duration scaled(long millis) {
    return Duration.ofMillis(Math.max(10, Math.round(millis * config.timeScale())));
  }

  private void sleep(long millis) throws InterruptedException {
    Thread.sleep(scaled(millis));
  }

  private void handle(HttpExchange exchange) throws IOException {
    long start = System.nanoTime();
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET")) {
        respond(exchange, 405, "only GET is supported\n", false, start);
        return;
      }
      String path = exchange.getRequestURI().getPath();
      Route route = Route.match(path);
      if (route == null) {
        respond(exchange, 404, "no such route: " + path + "\n\n" + index(), false, start);
        return;
      }
      if (route.name.equals("/stats")) {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        respond(exchange, 200, Json.of(metrics()) + "\n", false, start);
        return;
      }
      if (route.name.equals("/")) {
        respond(exchange, 200, index(), false, start);
        return;
      }
      String id = route.id;
      AtomicBoolean computed = new AtomicBoolean();
      try {
        String value =
            switch (route.name) {
              case "/query/simple/" -> querySimple(id, computed);
              case "/report/renewable/" -> reportRenewable(id, computed);
              case "/report/oh-no/" -> reportOhNo(id, computed);
              default -> extStemmer(id, computed);
            };
        respond(exchange, 200, value + "\n", computed.get(), start);
      } catch (ComputationFailedException e) {
        respond(exchange, 500, failure(route.name, id, e), computed.get(), start);
      } catch (MemoLockTimeoutException e) {
        respond(exchange, 504, "ERROR: " + e.getMessage() + "\n", computed.get(), start);
      } catch (IllegalArgumentException e) {
        respond(exchange, 400, "ERROR: bad request: " + e.getMessage() + "\n", false, start);
      } catch (MemoLockException e) {
        respond(exchange, 502, "ERROR: " + e.getMessage() + "\n", computed.get(), start);
      }
    } catch (RuntimeException e) {
      LOG.println("unexpected failure: " + e);
      throw e;
    }
  }

  private String querySimple(String id, AtomicBoolean computed) {
    return query.get(
        id,
        scaled(10_000),
        lease -> {
          computed.set(true);
          LOG.printf("(query/simple/%s) Working hard!%n", id);
          sleep(2_000); // simulate hard work, like fetching data from a DBMS
          return Computed.of("<query set result " + id + ">", scaled(5_000));
        });
  }

  private String reportRenewable(String id, AtomicBoolean computed) {
    return report.get(
        id,
        scaled(10_000),
        lease -> {
          computed.set(true);
          LOG.printf("(report/renewable/%s) Working super-hard! (1)%n", id);
          sleep(2_000);
          // It turns out we have a lot more to do: extend the lock while it is still ours.
          lease.extend(scaled(20_000));
          LOG.printf("(report/renewable/%s) lease extended, working on%n", id);
          sleep(6_000);
          LOG.printf("(report/renewable/%s) Working super-hard! (2)%n", id);
          return Computed.of("https://somewhere/" + id + "-report.pdf", scaled(5_000));
        });
  }

  private String reportOhNo(String id, AtomicBoolean computed) {
    return report.get(
        id,
        scaled(10_000),
        lease -> {
          computed.set(true);
          LOG.printf("(report/oh-no/%s) Working super-hard! (1)%n", id);
          sleep(6_000);
          // Oh no: the 5 s lock expired a second ago. The renewal is owner-checked in Redis, so it
          // fails with LeaseLostException, and the computation stops without writing anything.
          try {
            lease.extend(scaled(20_000));
          } catch (LeaseLostException e) {
            LOG.printf("(report/oh-no/%s) renewal refused: %s%n", id, e.getMessage());
            throw e;
          }
          sleep(6_000);
          LOG.printf("(report/oh-no/%s) Working super-hard! (2)%n", id);
          return Computed.of("https://somewhere/" + id + "-report.pdf", scaled(50_000));
        });
  }

  private String extStemmer(String word, AtomicBoolean computed) {
    return ext.getExternal(
        word,
        Duration.ofSeconds(10),
        lease -> {
          computed.set(true);
          LOG.printf("(ext/stemmer/%s) Working hard! Starting the producer process%n", word);
          startProducer(word);
        });
  }

  /** Starts {@link StemmerProducer} with this JVM's java binary and class path. */
  private void startProducer(String word) throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command =
        List.of(
            java,
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            StemmerProducer.class.getName(),
            config.redis().toString(),
            word,
            "10000");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    producers.add(process);
    // Relay the producer's output through this JVM's System.out (not the inherited descriptor), so
    // it lands wherever this process's output is captured.
    Thread.ofVirtual()
        .name("producer-output-" + process.pid())
        .start(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                lines.lines().forEach(LOG::println);
              } catch (IOException | UncheckedIOException e) {
                // the producer is gone
              }
            });
    process
        .onExit()
        .thenAccept(
            p -> {
              producers.remove(p);
              if (p.exitValue() != 0) {
                LOG.printf("(ext/stemmer/%s) producer exited with code %d%n", word, p.exitValue());
              }
            });
  }

  private String failure(String route, String id, ComputationFailedException e) {
    StringBuilder body = new StringBuilder("ERROR: ").append(e.getMessage()).append('\n');
    if (e.failureClass().equals(LeaseLostException.class.getName())) {
      body.append('\n')
          .append("The computation of ")
          .append(route.substring(1))
          .append(id)
          .append(" worked ")
          .append(scaled(6_000).toMillis())
          .append(" ms before renewing its lease, but the lock timeout is ")
          .append(scaled(5_000).toMillis())
          .append(" ms:\nthe lock had already expired, so Redis refused the renewal (it is")
          .append(" owner-checked) and the computation\nstopped without writing a value.")
          .append(" Renew before the lock expires (see /report/renewable/")
          .append(id)
          .append(")\nor keep automatic renewal on (the default).\n");
    }
    return body.toString();
  }

  private static String index() {
    return """
        MemoLock demo routes:
          GET /query/simple/{id}      simple caching (2 s of work, 5 s TTL)
          GET /report/renewable/{id}  renewable lock (renews mid-work)
          GET /report/oh-no/{id}      failure case: renews too late, LeaseLostException
          GET /ext/stemmer/{word}     external producer process (SET + PUBLISH)
          GET /stats                  metrics as JSON
        """;
  }

  private static void respond(
      HttpExchange exchange, int status, String body, boolean computed, long start)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    var headers = exchange.getResponseHeaders();
    if (!headers.containsKey("Content-Type")) {
      headers.set("Content-Type", "text/plain; charset=utf-8");
    }
    headers.set("X-MemoLock-Computed", Boolean.toString(computed));
    headers.set(
        "X-Elapsed-Ms", Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** A matched route: its name (prefix) and the id that follows it. */
  private record Route(String name, String id) {
    private static final List<String> PREFIXES =
        List.of("/query/simple/", "/report/renewable/", "/report/oh-no/", "/ext/stemmer/");

    static Route match(String path) {
      if (path.equals("/stats") || path.equals("/stats/")) {
        return new Route("/stats", "");
      }
      if (path.equals("/")) {
        return new Route("/", "");
      }
      for (String prefix : PREFIXES) {
        if (path.startsWith(prefix) && path.length() > prefix.length()) {
          return new Route(prefix, path.substring(prefix.length()));
        }
      }
      return null;
    }
  }

  /** @return the Redis this demo uses */
  public URI redisUri() {
    return config.redis();
  }
}
