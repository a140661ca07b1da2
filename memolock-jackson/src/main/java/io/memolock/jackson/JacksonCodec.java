package io.memolock.jackson;

import io.memolock.CodecException;
import io.memolock.spi.Codec;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JSON {@link Codec} on Jackson 3 ({@code tools.jackson}), typed by a class or a {@link
 * TypeReference}: the format Spring users expect of a serializer and one that Go and C# peers
 * read without any Java on their side.
 *
 * <p><b>Format.</b> The value's JSON text in UTF-8, exactly what the mapper writes: no header, no
 * type information (no polymorphic "default typing", so bytes in Redis can never make Jackson
 * instantiate a class the codec's type does not name).
 *
 * <p><b>Foreign or malformed bytes.</b> {@link #decode} throws a {@link CodecException}, and
 * nothing else, for any input: bytes that are not JSON, truncated JSON, trailing content after the
 * value, JSON {@code null} (a codec never returns {@code null}), JSON of another shape than the
 * type (unknown properties included, with the default mapper), and documents nested deeper than
 * {@link #DEFAULT_MAX_NESTING_DEPTH} levels (bounded with Jackson's {@link StreamReadConstraints},
 * so deep nesting cannot exhaust the stack).
 *
 * <p>Thread-safe: Jackson's readers and writers are immutable and shared.
 *
 * @param <V> the value type
 */
public final class JacksonCodec<V> implements Codec<V> {

  /** How deeply the default mapper lets JSON arrays and objects nest: 200 levels. */
  public static final int DEFAULT_MAX_NESTING_DEPTH = 200;

  private final ObjectReader reader;
  private final ObjectWriter writer;
  private final JavaType type;

  private JacksonCodec(JsonMapper mapper, JavaType type) {
    this.type = type;
    this.reader =
        mapper.readerFor(type).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.writer = mapper.writerFor(type);
  }

  /**
   * A codec for {@code type} on the {@linkplain #defaultMapper() default mapper}.
   *
   * @param type the value type; {@code Object.class} reads any JSON as maps, lists, strings,
   *     numbers and booleans
   * @param <V> the value type
   * @return the codec
   */
  public static <V> JacksonCodec<V> of(Class<V> type) {
    return of(defaultMapper(), type);
  }

  /**
   * A codec for a generic type, e.g. {@code new TypeReference<List<Report>>() {}}, on the
   * {@linkplain #defaultMapper() default mapper}.
   *
   * @param type the value type
   * @param <V> the value type
   * @return the codec
   */
  public static <V> JacksonCodec<V> of(TypeReference<V> type) {
    return of(defaultMapper(), type);
  }

  /**
   * A codec for {@code type} on the application's own mapper (its modules, naming strategy and
   * stream constraints apply; see {@link #defaultMapper()} for what the default one sets).
   *
   * @param mapper the mapper
   * @param type the value type
   * @param <V> the value type
   * @return the codec
   */
  public static <V> JacksonCodec<V> of(JsonMapper mapper, Class<V> type) {
    Objects.requireNonNull(mapper, "mapper");
    Objects.requireNonNull(type, "type");
    return new JacksonCodec<>(mapper, mapper.constructType(type));
  }

  /**
   * A codec for a generic type on the application's own mapper.
   *
   * @param mapper the mapper
   * @param type the value type
   * @param <V> the value type
   * @return the codec
   */
  public static <V> JacksonCodec<V> of(JsonMapper mapper, TypeReference<V> type) {
    Objects.requireNonNull(mapper, "mapper");
    Objects.requireNonNull(type, "type");
    return new JacksonCodec<>(mapper, mapper.constructType(type));
  }

  /**
   * The mapper the codecs use unless given one: Jackson 3's defaults, plus unknown properties
   * rejected (JSON of another shape is foreign, not silently half-read) and nesting bounded to
   * {@link #DEFAULT_MAX_NESTING_DEPTH}. A new mapper on each call; build codecs once and share them.
   *
   * @return a new mapper
   */
  public static JsonMapper defaultMapper() {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(DEFAULT_MAX_NESTING_DEPTH).build())
            .build();
    return JsonMapper.builder(factory)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .build();
  }

  /**
   * @param value the value
   * @return its JSON text in UTF-8
   * @throws CodecException if Jackson cannot write it (no serializer, a cycle, a failing getter)
   */
  @Override
  public byte[] encode(V value) {
    Objects.requireNonNull(value, "value");
    try {
      return writer.writeValueAsBytes(value);
    } catch (JacksonException e) {
      throw new CodecException(
          null, null, "cannot write " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
    } catch (RuntimeException e) { // a getter or custom serializer that throws
      throw new CodecException(
          null, null, "cannot write " + value.getClass().getName() + " as JSON: " + e, e);
    }
  }

  /**
   * @param bytes JSON text in UTF-8, possibly written by a foreign producer
   * @return the value
   * @throws CodecException for anything but one JSON value of the codec's type
   */
  @Override
  public V decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    Object value;
    try {
      value = reader.readValue(bytes);
    } catch (JacksonException e) {
      throw new CodecException(null, null, describe(bytes, e.getOriginalMessage()), e);
    } catch (RuntimeException e) { // a custom deserializer or a constructor that throws
      throw new CodecException(null, null, describe(bytes, e.toString()), e);
    }
    if (value == null) {
      throw new CodecException(null, null, describe(bytes, "JSON null is not a value"), null);
    }
    @SuppressWarnings("unchecked") // the reader is typed by `type`
    V typed = (V) value;
    return typed;
  }

  private String describe(byte[] bytes, String reason) {
    return "bytes are not JSON of " + type + " (" + bytes.length + " bytes): " + reason;
  }

  @Override
  public String toString() {
    return "JacksonCodec[" + type + "]";
  }
}
