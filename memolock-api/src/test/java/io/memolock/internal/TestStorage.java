package io.memolock.internal;

import io.memolock.spi.Codec;
import io.memolock.spi.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;

/**
 * The classic String layout ({@code SET T:I <bytes> PX <ttl>}, {@code GET}, {@code MGET}, the value itself as the
 * notification payload), for the engine's own tests: the Strings module depends on this one, so its {@code
 * StringStorage} is not at hand here. Unlike {@code StringStorage.of}, {@link #of} does <em>not</em> guard its codec,
 * so a codec that throws outside its contract (an {@link Error}, an {@link IllegalStateException}) reaches the engine,
 * and the tests prove the engine's own guard.
 *
 * <p>Thread-safe when its codec is.
 *
 * @param <V> the value type
 */
public final class TestStorage<V> implements Storage<V> {
  private final Codec<V> codec;

  private TestStorage(Codec<V> codec) {
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  /**
   * @param codec the codec, used as it is (not guarded)
   * @param <V> the value type
   * @return a storage of Strings with that codec
   */
  public static <V> TestStorage<V> of(Codec<V> codec) {
    return new TestStorage<>(codec);
  }

  /** @return text values in strict UTF-8, as {@code StringStorage.utf8()} */
  public static TestStorage<String> utf8() {
    return of(Codec.utf8());
  }

  /** @return raw byte values, as {@code StringStorage.bytes()} */
  public static TestStorage<byte[]> bytes() {
    return of(Codec.bytes());
  }

  @Override
  public String redisType() {
    return "string";
  }

  @Override
  public @Nullable V read(UnifiedJedis redis, byte[] key) {
    byte[] bytes = redis.get(key);
    return bytes == null ? null : codec.decode(bytes);
  }

  /** @return {@code true}: {@link #readAll} is one {@code MGET}, as in the Strings module */
  @Override
  public boolean readsInBatches() {
    return true;
  }

  @Override
  public List<@Nullable V> readAll(UnifiedJedis redis, List<byte[]> keys) {
    List<byte[]> raw = redis.mget(keys.toArray(byte[][]::new));
    List<@Nullable V> values = new ArrayList<>(raw.size());
    for (byte[] bytes : raw) {
      values.add(bytes == null ? null : codec.decode(bytes));
    }
    return values;
  }

  @Override
  public Write encode(V value) {
    byte[] bytes = codec.encode(value);
    return new Write(List.of(bytes), bytes);
  }

  @Override
  public String writeScript() {
    return "redis.call('SET', KEYS[1], ARGV[5], 'PX', ARGV[2])";
  }

  @Override
  public @Nullable V fromNotification(byte[] payload) {
    return codec.decode(payload);
  }
}
