package io.memolock.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.memolock.testkit.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.RedisClient;

/** The demo's routes end to end, on a real Redis, with its times scaled down to a fifth. */
@Timeout(60)
class DemoServerTest {
  private static final TestRedis REDIS = TestRedis.shared();
  private static DemoServer demo;
  private static HttpClient http;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    Config config =
        Config.parse(
            new String[] {"--redis", REDIS.uri().toString(), "--port", "0", "--time-scale", "0.2"},
            Map.of());
    demo = DemoServer.start(config);
    base = "http://127.0.0.1:" + demo.port();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    if (demo != null) {
      demo.close();
    }
  }

  private static CompletableFuture<HttpResponse<String>> getAsync(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) {
    return getAsync(path).join();
  }

  private static boolean computed(HttpResponse<String> r) {
    return r.headers().firstValue("X-MemoLock-Computed").orElse("").equals("true");
  }

  private static long computations(String tag) {
    return demo.metrics().get(tag).computations();
  }

  @Test
  void twoConcurrentQueriesShareOneComputationThenHit() {
    String id = "q-" + UUID.randomUUID();
    long before = computations("query");
    List<HttpResponse<String>> responses =
        List.of(getAsync("/query/simple/" + id), getAsync("/query/simple/" + id)).stream()
            .map(CompletableFuture::join)
            .toList();
    for (HttpResponse<String> r : responses) {
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("<query set result " + id + ">\n", r.body());
    }
    assertEquals(1, responses.stream().filter(DemoServerTest::computed).count());
    assertEquals(before + 1, computations("query"));

    HttpResponse<String> hit = get("/query/simple/" + id);
    assertEquals(200, hit.statusCode());
    assertTrue(!computed(hit), "a cached value is not computed again");
    assertEquals(before + 1, computations("query"));
  }

  @Test
  void renewableReportExtendsItsLeaseAndSucceeds() {
    String id = "r-" + UUID.randomUUID();
    HttpResponse<String> r = get("/report/renewable/" + id);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("https://somewhere/" + id + "-report.pdf\n", r.body());
    assertTrue(computed(r));
  }

  @Test
  void ohNoReportLosesItsLeaseAndSaysSo() {
    String id = "o-" + UUID.randomUUID();
    long failuresBefore = demo.metrics().get("report").failures();
    HttpResponse<String> r = get("/report/oh-no/" + id);
    assertEquals(500, r.statusCode(), r.body());
    assertTrue(r.body().startsWith("ERROR: "), r.body());
    assertTrue(r.body().contains("io.memolock.LeaseLostException"), r.body());
    assertTrue(r.body().contains("the lock had already expired"), r.body());
    assertTrue(demo.metrics().get("report").failures() > failuresBefore);
    try (RedisClient redis = REDIS.newClient()) {
      assertEquals(null, redis.get("report:" + id), "nothing was written");
      assertEquals(null, redis.get("report/lock:" + id), "no lock is left behind");
    }
  }

  @Test
  void stemmerIsProducedByASeparateProcess() {
    String word = "running";
    try (RedisClient redis = REDIS.newClient()) {
      redis.del("ext:" + word);
    }
    long before = computations("ext");
    List<HttpResponse<String>> responses =
        List.of(getAsync("/ext/stemmer/" + word), getAsync("/ext/stemmer/" + word)).stream()
            .map(CompletableFuture::join)
            .toList();
    String expected = "run";
    for (HttpResponse<String> r : responses) {
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(expected + "\n", r.body());
    }
    assertEquals(1, responses.stream().filter(DemoServerTest::computed).count());
    assertEquals(before + 1, computations("ext"), "one producer process for both requests");
    try (RedisClient redis = REDIS.newClient()) {
      assertEquals(expected, redis.get("ext:" + word), "the producer wrote the classic key");
      long ttl = redis.pttl("ext:" + word);
      assertTrue(ttl > 0 && ttl <= 10_000, "with its TTL: " + ttl);
    }
  }

  @Test
  void statsAreJsonWithTheThreeTags() {
    HttpResponse<String> r = get("/stats");
    assertEquals(200, r.statusCode());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    JsonObject json = JsonParser.parseString(r.body()).getAsJsonObject();
    for (String tag : List.of("query", "report", "ext")) {
      JsonObject m = json.getAsJsonObject(tag);
      assertTrue(m.has("computations") && m.has("hits") && m.has("waitTime"), r.body());
    }
  }

  @Test
  void unknownRoutesAndMethodsAreRefused() throws Exception {
    assertEquals(404, get("/nope").statusCode());
    assertEquals(404, get("/query/simple/").statusCode());
    HttpRequest post =
        HttpRequest.newBuilder(URI.create(base + "/query/simple/x"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    assertEquals(405, http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode());
  }
}
