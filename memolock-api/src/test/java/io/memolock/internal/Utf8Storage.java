package io.memolock.internal;

import io.memolock.spi.Codec;
import io.memolock.spi.Storage;
import java.util.List;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;

/** The classic String layout, for the engine's own tests (the Strings module depends on this one). */
final class Utf8Storage implements Storage<String> {
  @Override
  public @Nullable String read(UnifiedJedis redis, byte[] key) {
    byte[] bytes = redis.get(key);
    return bytes == null ? null : Codec.utf8().decode(bytes);
  }

  @Override
  public Write encode(String value) {
    byte[] bytes = Codec.utf8().encode(value);
    return new Write(List.of(bytes), bytes);
  }

  @Override
  public String writeScript() {
    return "redis.call('SET', KEYS[1], ARGV[5], 'PX', ARGV[2])";
  }

  @Override
  public String redisType() {
    return "string";
  }

  @Override
  public String fromNotification(byte[] payload) {
    return Codec.utf8().decode(payload);
  }
}
