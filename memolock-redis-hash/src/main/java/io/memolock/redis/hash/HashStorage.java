package io.memolock.redis.hash;

import io.memolock.CodecException;
import io.memolock.MemoLock;
import io.memolock.spi.Codec;
import io.memolock.spi.Storage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;

/**
 * Values stored as Redis Hashes: a value is a {@code Map<String, F>}, each field name in strict
 * UTF-8 and each field value encoded by a {@link Codec}. One field, or a few, can be read alone
 * with {@link #view(MemoLock)}: one {@code HMGET} of just those fields.
 *
 * <p>Layout (see {@code docs/storage-layouts.md}): the value key {@code T:I} is a hash holding the
 * map's fields plus the {@linkplain #MARKER_FIELD marker field} {@code "\0memolock"} = {@code "1"}
 * (the layout version), so an empty map is a hash with only the marker, distinct from a missing
 * key. A write replaces the whole hash ({@code DEL}, {@code HSET}, {@code PEXPIRE}) in the
 * MemoLock's atomic script, with the notification and the owner-checked unlock. The notification
 * payload is empty: waiters read the hash. A hash without the marker was not written in this
 * layout: reading it raises a {@link CodecException}.
 *
 * <p>Thread-safe when its codec is.
 *
 * @param <F> the type of a field's value
 */
public final class HashStorage<F> implements Storage<Map<String, F>> {

  /**
   * The field every stored hash has: {@code "\0memolock"} (a NUL, then {@code memolock}). Its
   * value is the layout version, {@code "1"}. Maps may not use this field name.
   */
  public static final String MARKER_FIELD = "\0memolock";

  static final byte[] MARKER = MARKER_FIELD.getBytes(StandardCharsets.UTF_8);
  static final byte[] VERSION = {'1'};
  private static final byte[] NO_PAYLOAD = new byte[0];

  private final Codec<F> codec;

  private HashStorage(Codec<F> codec) {
    this.codec = codec;
  }

  /**
   * @param fieldCodec turns each field's value into bytes; held {@linkplain Codec#guarded
   *     guarded}, so whatever it throws on bytes it cannot decode reads as a {@link
   *     CodecException}
   * @param <F> the type of a field's value
   * @return a storage using that codec
   */
  public static <F> HashStorage<F> of(Codec<F> fieldCodec) {
    return new HashStorage<>(Codec.guarded(Objects.requireNonNull(fieldCodec, "fieldCodec")));
  }

  /** @return maps of text fields, each in strict UTF-8 */
  public static HashStorage<String> utf8() {
    return of(Codec.utf8());
  }

  /**
   * The partial reads of a MemoLock that uses this storage (or another {@code HashStorage} with
   * the same codec).
   *
   * @param memoLock the MemoLock
   * @return its view
   */
  public HashView<F> view(MemoLock<Map<String, F>> memoLock) {
    return new HashView<>(Objects.requireNonNull(memoLock, "memoLock"), this);
  }

  /** @return {@code "hash"} */
  @Override
  public String redisType() {
    return "hash";
  }

  /** {@inheritDoc} One {@code HGETALL}. */
  @Override
  public @Nullable Map<String, F> read(UnifiedJedis redis, byte[] key) {
    Map<byte[], byte[]> raw = redis.hgetAll(key);
    if (raw.isEmpty()) {
      return null;
    }
    byte[] marker = null;
    Map<String, F> value = new HashMap<>(raw.size());
    for (Map.Entry<byte[], byte[]> field : raw.entrySet()) {
      if (Arrays.equals(field.getKey(), MARKER)) {
        marker = field.getValue();
      } else {
        String name = fieldName(field.getKey());
        value.put(name, decode(name, field.getValue()));
      }
    }
    checkMarker(marker);
    return Collections.unmodifiableMap(value);
  }

  /**
   * {@inheritDoc}
   *
   * @throws CodecException also for a null field name or value, or the reserved {@link
   *     #MARKER_FIELD}
   */
  @Override
  public Write encode(Map<String, F> value) {
    List<byte[]> args = new ArrayList<>(2 + 2 * value.size());
    args.add(MARKER);
    args.add(VERSION);
    for (Map.Entry<String, F> field : value.entrySet()) {
      String name = field.getKey();
      if (name == null) {
        throw new CodecException(null, null, "a hash field name cannot be null", null);
      }
      if (name.equals(MARKER_FIELD)) {
        throw new CodecException(
            null, null, "the field name \"\\0memolock\" is reserved for the layout marker", null);
      }
      F fieldValue = field.getValue();
      if (fieldValue == null) {
        throw new CodecException(null, null, "field '" + name + "' has a null value", null);
      }
      try {
        args.add(Codec.utf8().encode(name));
        args.add(codec.encode(fieldValue));
      } catch (CodecException e) {
        throw new CodecException(null, null, "field '" + name + "': " + e.getMessage(), e);
      }
    }
    return new Write(args, NO_PAYLOAD);
  }

  /**
   * {@inheritDoc} Replaces the hash: {@code DEL}, then {@code HSET} in batches of 500 fields (Lua
   * cannot unpack arbitrarily many arguments at once), then {@code PEXPIRE}.
   */
  @Override
  public String writeScript() {
    return """
        redis.call('DEL', KEYS[1])
        for i = 5, #ARGV, 1000 do
          redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        """;
  }

  /** {@inheritDoc} The payload is empty: waiters read the hash from Redis. */
  @Override
  public @Nullable Map<String, F> fromNotification(byte[] payload) {
    return null;
  }

  // ---------------------------------------------------------------- shared with HashView

  static String fieldName(byte[] bytes) {
    try {
      return Codec.utf8().decode(bytes);
    } catch (CodecException e) {
      throw new CodecException(null, null, "a hash field name: " + e.getMessage(), e);
    }
  }

  F decode(String name, byte[] bytes) {
    try {
      return codec.decode(bytes);
    } catch (CodecException e) {
      throw new CodecException(null, null, "field '" + name + "': " + e.getMessage(), e);
    }
  }

  static void checkMarker(byte @Nullable [] marker) {
    if (marker == null) {
      throw new CodecException(
          null,
          null,
          "the hash has no \"\\0memolock\" marker field: it was not written in MemoLock's hash"
              + " layout",
          null);
    }
    if (!Arrays.equals(marker, VERSION)) {
      throw new CodecException(
          null,
          null,
          "the hash's marker field holds layout version '"
              + new String(marker, StandardCharsets.UTF_8)
              + "', this library reads version 1",
          null);
    }
  }
}
