package io.memolock.spring.boot;

import io.memolock.jackson.JacksonCodec;
import io.memolock.spi.Codec;

/**
 * The only class here that names {@code memolock-jackson}, loaded only when a cache's codec is
 * {@code json}, so the auto-configuration works without it. Stateless.
 */
final class JsonCodecs {
  private JsonCodecs() {}

  static <V> Codec<V> of(Class<V> type) {
    return JacksonCodec.of(type);
  }
}
