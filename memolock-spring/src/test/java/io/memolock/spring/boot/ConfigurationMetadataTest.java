package io.memolock.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.io.InputStream;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The hand-written metadata names every property the binder accepts, and nothing else. */
class ConfigurationMetadataTest {

  @Test
  void theMetadataListsEveryProperty() throws Exception {
    Set<String> bound = new TreeSet<>();
    for (PropertyDescriptor p : Introspector.getBeanInfo(MemoLockCacheProperties.class).getPropertyDescriptors()) {
      if (p.getWriteMethod() != null) {
        bound.add("memolock.cache." + p.getName().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT));
      }
    }
    Set<String> listed = new TreeSet<>();
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      JsonNode root = JsonMapper.shared().readTree(in);
      root.get("properties").forEach(p -> listed.add(p.get("name").asString()));
    }
    assertThat(listed).isEqualTo(bound);
  }
}
