package io.memolock.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.memolock.testkit.TestRedis;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stampede mode on a real Redis: 4 instances x 250 virtual threads, one computation. */
@Timeout(60)
class StampedeTest {

  @Test
  void thousandRequestsOverFourInstancesMakeOneComputation() throws Exception {
    TestRedis redis = TestRedis.shared();
    Config config =
        Config.parse(
            new String[] {"--stampede", "--redis", redis.uri().toString(), "--instances", "4",
              "--threads", "250", "--compute-ms", "100"},
            Map.of());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    Stampede.Result result;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream p = new PrintStream(progress, true, StandardCharsets.UTF_8)) {
      result = Stampede.run(config, o, p);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    String[] lines = text.strip().split("\n");
    JsonObject json = JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();

    assertEquals(1000, json.get("requests").getAsInt(), text);
    assertEquals(1, json.get("computations").getAsInt(), text);
    assertEquals(0, json.get("errors").getAsInt(), text);
    assertTrue(json.get("p50Ms").getAsDouble() >= 100, text);
    assertTrue(json.get("p99Ms").getAsDouble() >= json.get("p50Ms").getAsDouble(), text);
    assertTrue(json.get("maxMs").getAsDouble() >= json.get("p99Ms").getAsDouble(), text);
    assertTrue(json.get("redisCommandsPerRequest").getAsDouble() > 0, text);
    assertEquals(1, result.computations());
    assertTrue(text.contains("computations"), "the summary table is printed: " + text);
    assertTrue(
        progress.toString(StandardCharsets.UTF_8).contains("1000/1000 requests done"),
        "a progress line: " + progress);
  }
}
