package io.memolock.redis.strings;

import io.memolock.spi.Codec;
import io.memolock.spi.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;

/**
 * Values stored as Redis Strings: {@code SET T:I <bytes> PX <ttl>}, announced with {@code PUBLISH
 * T/notif:I <bytes>} (the notification payload is the value itself). With {@link #utf8()} and the
 * classic key scheme this is exactly the original Go and C# implementations' protocol.
 *
 * <p>Thread-safe when its codec is.
 *
 * @param <V> the value type
 */
public final class StringStorage<V> implements Storage<V> {
  private final Codec<V> codec;

  private StringStorage(Codec<V> codec) {
    this.codec = codec;
  }

  /**
   * @param codec turns values into the String's bytes; held {@linkplain Codec#guarded guarded}, so
   *     whatever it throws on bytes it cannot decode reads as an {@link io.memolock.CodecException}
   * @param <V> the value type
   * @return a storage using that codec
   */
  public static <V> StringStorage<V> of(Codec<V> codec) {
    return new StringStorage<>(Codec.guarded(Objects.requireNonNull(codec, "codec")));
  }

  /** @return text values in strict UTF-8: the interoperable choice */
  public static StringStorage<String> utf8() {
    return of(Codec.utf8());
  }

  /** @return raw byte values */
  public static StringStorage<byte[]> bytes() {
    return of(Codec.bytes());
  }

  /** @return {@code "string"} */
  @Override
  public String redisType() {
    return "string";
  }

  /** {@inheritDoc} One {@code GET}. */
  @Override
  public @Nullable V read(UnifiedJedis redis, byte[] key) {
    byte[] bytes = redis.get(key);
    return bytes == null ? null : codec.decode(bytes);
  }

  /** @return {@code true}: {@link #readAll} is one {@code MGET} */
  @Override
  public boolean readsInBatches() {
    return true;
  }

  /** {@inheritDoc} One {@code MGET}. */
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
  public V fromNotification(byte[] payload) {
    return codec.decode(payload);
  }
}
