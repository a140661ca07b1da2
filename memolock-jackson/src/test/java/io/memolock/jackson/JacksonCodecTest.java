package io.memolock.jackson;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.CodecException;
import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.redis.strings.StringStorage;
import io.memolock.testkit.TestRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import tools.jackson.core.type.TypeReference;

class JacksonCodecTest {

  record Report(String name, int pages, List<String> authors) {}

  /** A bean whose getter throws. */
  public static final class Failing {
    public String getName() {
      throw new IllegalStateException("no name");
    }
  }

  private static final JacksonCodec<Report> REPORTS = JacksonCodec.of(Report.class);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void roundTripsARecordAsPlainJson() {
    Report r = new Report("q3", 12, List.of("ana", "bo"));
    byte[] bytes = REPORTS.encode(r);
    assertEquals("{\"name\":\"q3\",\"pages\":12,\"authors\":[\"ana\",\"bo\"]}", new String(bytes, StandardCharsets.UTF_8));
    assertEquals(r, REPORTS.decode(bytes));
  }

  @Test
  void roundTripsAGenericTypeAndUntypedJson() {
    JacksonCodec<List<Report>> lists = JacksonCodec.of(new TypeReference<List<Report>>() {});
    List<Report> value = List.of(new Report("a", 1, List.of()), new Report("b", 2, List.of("x")));
    assertEquals(value, lists.decode(lists.encode(value)));

    JacksonCodec<Object> any = JacksonCodec.of(Object.class);
    assertEquals(Map.of("k", List.of(1, "two", true)), any.decode(utf8("{\"k\":[1,\"two\",true]}")));
  }

  @Test
  void foreignAndMalformedJsonAreCodecExceptions() {
    for (String bad :
        List.of(
            "",
            "not json",
            "{\"name\":\"q3\",",
            "{\"name\":\"q3\",\"pages\":1,\"authors\":[]} trailing",
            "null",
            "[1,2,3]",
            "{\"name\":\"q3\",\"pages\":\"many\",\"authors\":[]}",
            "{\"name\":\"q3\",\"pages\":1,\"authors\":[],\"extra\":1}",
            "{\"pages\":null}")) {
      CodecException e = assertThrows(CodecException.class, () -> REPORTS.decode(utf8(bad)), bad);
      assertTrue(e.getMessage().contains("bytes are not JSON of"), e.getMessage());
    }
    assertThrows(CodecException.class, () -> REPORTS.decode(new byte[] {(byte) 0xC3, 0x28}));
  }

  @Test
  void nestingDeeperThanTheBoundIsACodecException() {
    JacksonCodec<Object> any = JacksonCodec.of(Object.class);
    int ok = JacksonCodec.DEFAULT_MAX_NESTING_DEPTH;
    any.decode(utf8("[".repeat(ok) + "]".repeat(ok)));
    CodecException e =
        assertThrows(CodecException.class, () -> any.decode(utf8("[".repeat(100_000) + "]".repeat(100_000))));
    assertTrue(e.getMessage().contains("depth"), e.getMessage());
  }

  @Test
  void aValueJacksonCannotWriteIsACodecException() {
    JacksonCodec<Object> any = JacksonCodec.of(Object.class);
    CodecException e = assertThrows(CodecException.class, () -> any.encode(new Failing()));
    assertTrue(e.getMessage().contains("cannot write"), e.getMessage());
  }

  @Test
  void valuesTravelThroughRedisAsJsonText() {
    TestRedis redis = TestRedis.shared();
    try (RedisClient client = redis.newClient();
        MemoLock<Report> reports =
            MemoLock.builder(client, StringStorage.of(REPORTS)).tag("jackson-test").build()) {
      Report r = new Report("q4", 3, List.of("cy"));
      assertEquals(r, reports.get("q4", Duration.ofSeconds(5), lease -> Computed.of(r)));
      assertArrayEquals(REPORTS.encode(r), client.get(utf8("jackson-test:q4")));
      client.set("jackson-test:foreign", "<xml/>");
      CodecException e = assertThrows(CodecException.class, () -> reports.getIfPresent("foreign"));
      assertEquals("foreign", e.id());
    }
  }
}
