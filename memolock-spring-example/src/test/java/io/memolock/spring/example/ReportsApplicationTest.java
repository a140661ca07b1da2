package io.memolock.spring.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.testkit.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The example application against a real Redis: a stampede computes once, the actuator shows it. */
class ReportsApplicationTest {
  private static final TestRedis REDIS = TestRedis.shared();

  private static String get(HttpClient http, String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url + ": " + r.body());
    return r.body();
  }

  @Test
  void aStampedeComputesOnceAndTheMetricsEndpointShowsIt() throws Exception {
    try (ConfigurableApplicationContext context =
            SpringApplication.run(
                ReportsApplication.class,
                "--server.port=0",
                "--spring.data.redis.host=" + REDIS.host(),
                "--spring.data.redis.port=" + REDIS.port(),
                "--memolock.cache.tag-prefix=example-test-" + System.nanoTime() + ".");
        HttpClient http = HttpClient.newHttpClient()) {
      int port = ((WebServerApplicationContext) context).getWebServer().getPort();
      String base = "http://127.0.0.1:" + port;
      String stampede = get(http, base + "/reports/q3/stampede?callers=100");
      assertTrue(stampede.contains("\"computations\":1"), stampede);
      String report = get(http, base + "/reports/q3");
      assertTrue(report.contains("\"body\":\"the report on q3\""), report);
      String computations = get(http, base + "/actuator/metrics/memolock.computations?tag=cache:reports");
      assertTrue(computations.contains("\"value\":1.0"), computations);
      String gets = get(http, base + "/actuator/metrics/cache.gets?tag=cache:reports&tag=result:hit");
      assertTrue(gets.contains("\"statistic\":\"COUNT\""), gets);
    }
  }
}
