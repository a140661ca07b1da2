package io.memolock.examples;

import com.sun.net.httpserver.HttpExchange;
import io.memolock.ComputationFailedException;
import io.memolock.Computed;
import io.memolock.LeaseLostException;
import io.memolock.MemoLock;
import io.memolock.MemoLockException;
import io.memolock.MemoLockTimeoutException;
import io.memolock.Metrics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The demo's routes (see {@link DemoServer}): matching a path, running its MemoLock request, and
 * turning the outcome into an HTTP response. Thread-safe: one virtual thread per request calls
 * {@link #handle}.
 */
final class DemoRoutes {
  private final Config config;
  private final MemoLock<String> query;
  private final MemoLock<String> report;
  private final MemoLock<String> ext;
  private final ProducerProcesses producers;
  private final Supplier<Map<String, Metrics>> metrics;
  private final PrintStream log;

  DemoRoutes(
      Config config,
      MemoLock<String> query,
      MemoLock<String> report,
      MemoLock<String> ext,
      ProducerProcesses producers,
      Supplier<Map<String, Metrics>> metrics,
      PrintStream log) {
    this.config = config;
    this.query = query;
    this.report = report;
    this.ext = ext;
    this.producers = producers;
    this.metrics = metrics;
    this.log = log;
  }

  /** A duration of the original example scaled by {@code --time-scale} (at least 10 ms). */
  static Duration scaled(Config config, long millis) {
    return Duration.ofMillis(Math.max(10, Math.round(millis * config.timeScale())));
  }

  private Duration scaled(long millis) {
    return scaled(config, millis);
  }

  private void sleep(long millis) throws InterruptedException {
    Thread.sleep(scaled(millis));
  }

  void handle(HttpExchange exchange) throws IOException {
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
        respond(exchange, 200, Json.of(metrics.get()) + "\n", false, start);
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
      log.println("unexpected failure: " + e);
      throw e;
    }
  }

  private String querySimple(String id, AtomicBoolean computed) {
    return query.get(
        id,
        scaled(10_000),
        lease -> {
          computed.set(true);
          log.printf("(query/simple/%s) Working hard!%n", id);
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
          log.printf("(report/renewable/%s) Working super-hard! (1)%n", id);
          sleep(2_000);
          // It turns out we have a lot more to do: extend the lock while it is still ours.
          lease.extend(scaled(20_000));
          log.printf("(report/renewable/%s) lease extended, working on%n", id);
          sleep(6_000);
          log.printf("(report/renewable/%s) Working super-hard! (2)%n", id);
          return Computed.of("https://somewhere/" + id + "-report.pdf", scaled(5_000));
        });
  }

  private String reportOhNo(String id, AtomicBoolean computed) {
    return report.get(
        id,
        scaled(10_000),
        lease -> {
          computed.set(true);
          log.printf("(report/oh-no/%s) Working super-hard! (1)%n", id);
          sleep(6_000);
          // Oh no: the 5 s lock expired a second ago. The renewal is owner-checked in Redis, so it
          // fails with LeaseLostException, and the computation stops without writing anything.
          try {
            lease.extend(scaled(20_000));
          } catch (LeaseLostException e) {
            log.printf("(report/oh-no/%s) renewal refused: %s%n", id, e.getMessage());
            throw e;
          }
          sleep(6_000);
          log.printf("(report/oh-no/%s) Working super-hard! (2)%n", id);
          return Computed.of("https://somewhere/" + id + "-report.pdf", scaled(50_000));
        });
  }

  private String extStemmer(String word, AtomicBoolean computed) {
    return ext.getExternal(
        word,
        Duration.ofSeconds(10),
        lease -> {
          computed.set(true);
          log.printf("(ext/stemmer/%s) Working hard! Starting the producer process%n", word);
          producers.start(word);
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
}
