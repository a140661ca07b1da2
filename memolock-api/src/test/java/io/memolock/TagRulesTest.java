package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** No two (tag, id) pairs may name the same Redis key: tags that could alias others are refused. */
class TagRulesTest extends RedisFixture {

  @ParameterizedTest
  @ValueSource(strings = {"al/lock", "ac:b", "a/notif", ":", "/", "x{y}", "}", "line\nbreak", "nul\0", "bad\uD800"})
  void tagsThatCouldNameAnotherTagsKeysAreRefusedWithTheReason(String tag) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> builder(redis, tag));
    assertTrue(e.getMessage().contains("refused"), e.getMessage());
  }

  @Test
  void aTagCannotReadAnotherTagsLockOrDeleteIt() {
    MemoLock<String> al = memoLock(redis, "al");
    redis.set("al/lock:x", "someone's token");
    assertThrows(IllegalArgumentException.class, () -> builder(redis, "al/lock"));
    al.invalidate("x");
    assertEquals("someone's token", redis.get("al/lock:x"), "invalidate touches value and failure only");
  }

  @ParameterizedTest
  @ValueSource(strings = {"query", "ünïcödé", "report.v2", "with space", "dash-and_underscore", "🚀"})
  void anyOtherTextIsATag(String tag) {
    MemoLock<String> lock = memoLock(redis, tag);
    assertEquals("v", lock.get("i:d", Duration.ofSeconds(5), l -> Computed.of("v")));
    assertEquals(Set.of(tag + ":i:d"), redis.keys("*"));
  }
}
