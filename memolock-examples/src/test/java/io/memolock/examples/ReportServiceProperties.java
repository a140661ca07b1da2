package io.memolock.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.redis.strings.StringStorage;
import io.memolock.testkit.TestResources;
import io.memolock.testkit.WithRedis;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import redis.clients.jedis.RedisClient;

/**
 * The README's "Testing your own service" example, as it is printed there (ReadmeSnippetTest keeps
 * the two equal): a jqwik property of a user's service that memoizes with a MemoLock on the
 * testkit's real Redis. Each try runs on its own thread; the service is thread-safe.
 */
// README: testing-your-own-service
@WithRedis // an empty Redis before every try; what a try opened is closed after it
class ReportServiceProperties {

  /** Your service: renders each report once, however many callers ask for it at once. */
  static final class ReportService {
    private final MemoLock<String> reports;
    private final AtomicInteger renders = new AtomicInteger();

    ReportService(MemoLock<String> reports) {
      this.reports = reports;
    }

    String report(String id) {
      return reports.get(id, Duration.ofSeconds(10), lease -> {
        renders.incrementAndGet();
        return Computed.of("report " + id, Duration.ofMinutes(5));
      });
    }

    int renders() {
      return renders.get();
    }
  }

  @Provide
  Arbitrary<String> ids() {
    return Arbitraries.of("q1", "q2", "q3", "q4");
  }

  @Property(tries = 20)
  void everyCallerGetsItsOwnReportAndEachIsRenderedOnce(
      @ForAll @Size(min = 1, max = 60) List<@From("ids") String> requests,
      RedisClient redis, // a new client of the testkit's Redis, closed after the try
      TestResources opened) throws Exception {
    MemoLock<String> lock =
        opened.track(MemoLock.builder(redis, StringStorage.utf8()).tag("report").build());
    ReportService service = new ReportService(lock);

    List<Future<String>> answers;
    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      answers = requests.stream().map(id -> callers.submit(() -> service.report(id))).toList();
    }
    for (int i = 0; i < requests.size(); i++) {
      assertEquals("report " + requests.get(i), answers.get(i).get());
    }
    assertEquals(new HashSet<>(requests).size(), service.renders());
  }
}
// README: end
