package io.memolock.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StemmerAndConfigTest {

  @Test
  void stemsCommonSuffixes() {
    assertEquals("run", Stemmer.stem("running"));
    assertEquals("poni", Stemmer.stem("ponies"));
    assertEquals("caress", Stemmer.stem("caresses"));
    assertEquals("cat", Stemmer.stem("cats"));
    assertEquals("happi", Stemmer.stem("happiness"));
    assertEquals("relate", Stemmer.stem("relational"));
    assertEquals("hope", Stemmer.stem("hoping"));
    assertEquals("banana", Stemmer.stem("bananas"));
    assertEquals("is", Stemmer.stem("is"));
    assertEquals("furniture", Stemmer.stem("Furniture"));
  }

  @Test
  void parsesArgumentsOverEnvironment() {
    Config c =
        Config.parse(
            new String[] {"--redis", "redis://10.0.0.1:7000", "--port=9090", "--no-start-redis"},
            Map.of("MEMOLOCK_REDIS", "redis://ignored:1", "MEMOLOCK_PORT", "1"));
    assertEquals("10.0.0.1", c.redisHost());
    assertEquals(7000, c.redisPort());
    assertEquals(9090, c.port());
    assertFalse(c.startRedis());
    assertFalse(c.stampede());

    Config env = Config.parse(new String[] {""}, Map.of("MEMOLOCK_REDIS", "redis://h"));
    assertEquals("h", env.redisHost());
    assertEquals(6379, env.redisPort());
    assertEquals(8080, env.port());
    assertTrue(env.startRedis());

    Config s = Config.parse(new String[] {"--stampede", "--instances", "2", "--threads", "3"}, Map.of());
    assertTrue(s.stampede());
    assertEquals(2, s.instances());
    assertEquals(3, s.threads());
    assertEquals(100, s.computeMillis());
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> Config.parse(new String[] {"--bogus"}, Map.of()));
    assertThrows(IllegalArgumentException.class, () -> Config.parse(new String[] {"--port"}, Map.of()));
    assertThrows(IllegalArgumentException.class, () -> Config.parse(new String[] {"--port", "x"}, Map.of()));
    assertThrows(
        IllegalArgumentException.class, () -> Config.parse(new String[] {"--redis", "http://x"}, Map.of()));
    assertThrows(
        IllegalArgumentException.class, () -> Config.parse(new String[] {"--threads", "0"}, Map.of()));
  }
}
