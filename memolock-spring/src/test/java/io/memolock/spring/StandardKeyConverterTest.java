package io.memolock.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.cache.interceptor.SimpleKey;

/** The documented, stable mapping of keys to ids (a change here is a change of the Redis layout). */
class StandardKeyConverterTest {
  private final CacheKeyConverter c = CacheKeyConverter.standard();

  enum Color { RED }

  record Point(int x, int y) {}

  @Test
  void theDocumentedMapping() {
    assertThat(c.toId("q3")).isEqualTo("q3");
    assertThat(c.toId("a:b{c}\nd")).isEqualTo("a:b{c}\nd");
    assertThat(c.toId("")).isEqualTo("\\");
    assertThat(c.toId("\\x")).isEqualTo("\\\\x");
    assertThat(c.toId("[x")).isEqualTo("\\[x");
    assertThat(c.toId("\ud800a")).isEqualTo("\\ud8000061");
    assertThat(c.toId(42)).isEqualTo("42");
    assertThat(c.toId(42L)).isEqualTo("42");
    assertThat(c.toId(true)).isEqualTo("true");
    assertThat(c.toId(Color.RED)).isEqualTo("RED");
    assertThat(c.toId(UUID.fromString("00000000-0000-0000-0000-000000000001"))).isEqualTo("00000000-0000-0000-0000-000000000001");
    assertThat(c.toId(LocalDate.of(2026, 12, 1))).isEqualTo("2026-12-01");
    assertThat(c.toId(new Point(1, 2))).isEqualTo("Point[x=1, y=2]");
    assertThat(c.toId(SimpleKey.EMPTY)).isEqualTo("[]");
    assertThat(c.toId(new SimpleKey("a", 1))).isEqualTo("[a,1]");
    assertThat(c.toId(new SimpleKey("a,b", "[c]", "\\"))).isEqualTo("[a\\,b,\\\\\\[c\\],\\\\\\\\]");
    assertThat(c.toId(new SimpleKey("a", null))).isEqualTo("[a,\\\\0]");
    assertThat(c.toId(List.of(1, 2))).isEqualTo("\\[1, 2]");
  }

  @Test
  void distinctKeysOfOneKindGetDistinctIds() {
    List<Object> keys =
        List.of(
            "", "\\", "\\\\", "[", "[]", "\\[]", SimpleKey.EMPTY, new SimpleKey("", ""), new SimpleKey(","),
            new SimpleKey("a", "b"), new SimpleKey("a,b"), new SimpleKey(new SimpleKey("a", "b"), "c"),
            new SimpleKey("a", null), new SimpleKey("a", "\\0"), "\ud800", "\\ud800");
    Set<String> ids = new HashSet<>();
    for (Object k : keys) {
      String id = c.toId(k);
      assertThat(id).isNotEmpty();
      assertThat(ids.add(id)).as("id of %s is not unique: %s", k, id).isTrue();
    }
  }
}
