package io.memolock.spring;

import io.memolock.CodecException;
import io.memolock.spi.Codec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Objects;

/**
 * Values as Java serialization, the default of spring-data-redis's {@code RedisCache}: any {@code
 * Serializable} value round-trips, but only Java peers can read it. Decoding goes through an {@link
 * ObjectInputFilter} (default {@link #DEFAULT_FILTER}: bounded depth, references, array sizes and
 * bytes); bytes that are not a serialized object, or that the filter rejects, give a {@link
 * CodecException}. Prefer {@code memolock-jackson}'s JSON codec when other languages read the
 * cache or when Redis is not fully trusted: deserialization of classes on the class path is only as
 * safe as those classes and the filter.
 *
 * <p>Thread-safe: streams are created per call.
 */
public final class JdkSerializationCodec implements Codec<Object> {

  /** The default filter: {@value}. */
  public static final String DEFAULT_FILTER = "maxdepth=64;maxrefs=100000;maxarray=10000000;maxbytes=67108864";

  private final ObjectInputFilter filter;

  private JdkSerializationCodec(ObjectInputFilter filter) {
    this.filter = filter;
  }

  /** @return a codec with {@link #DEFAULT_FILTER} */
  public static JdkSerializationCodec create() {
    return withFilter(ObjectInputFilter.Config.createFilter(DEFAULT_FILTER));
  }

  /**
   * @param filter decides which classes and sizes may be read, e.g. {@code
   *     ObjectInputFilter.Config.createFilter("com.example.*;java.base/*;!*")}
   * @return a codec reading through {@code filter}
   */
  public static JdkSerializationCodec withFilter(ObjectInputFilter filter) {
    return new JdkSerializationCodec(Objects.requireNonNull(filter, "filter"));
  }

  @Override
  public byte[] encode(Object value) {
    Objects.requireNonNull(value, "value");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException | RuntimeException e) {
      throw new CodecException(
          null, null, "cannot serialize " + value.getClass().getName() + ": " + e, e);
    }
    return bytes.toByteArray();
  }

  @Override
  public Object decode(byte[] bytes) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      in.setObjectInputFilter(filter);
      Object value = in.readObject();
      if (value == null) {
        throw new CodecException(null, null, "bytes hold a serialized null", null);
      }
      if (in.read() != -1) {
        throw new CodecException(null, null, "trailing bytes after the serialized object", null);
      }
      return value;
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      if (e instanceof CodecException c) {
        throw c;
      }
      throw new CodecException(
          null, null, "bytes are not a Java-serialized value (" + bytes.length + " bytes): " + e, e);
    }
  }

  @Override
  public String toString() {
    return "JdkSerializationCodec[" + filter + "]";
  }
}
