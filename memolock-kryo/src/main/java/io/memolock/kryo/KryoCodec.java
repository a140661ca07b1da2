package io.memolock.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.Pool;
import io.memolock.CodecException;
import io.memolock.spi.Codec;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * A binary {@link Codec} built on Kryo 5, for values that are object graphs (records, collections,
 * plain classes).
 *
 * <p><b>Class registration.</b> Registration is required by default: only classes registered
 * through the {@linkplain #builder(Class) builder} (and the built-ins below) can be encoded or
 * decoded, so bytes from Redis can never make Kryo load or instantiate an arbitrary class. Kryo
 * writes a registered class as a small number assigned in registration order, so <em>every process
 * sharing a resource must build its codec with the same registrations in the same order</em>; add
 * new classes at the end of the list. The registrations are, in order: Kryo's own (primitives,
 * their wrappers, {@code String}); {@code List.of}/{@code Set.of}/{@code Map.of} collections;
 * {@code ArrayList, LinkedList, HashMap, LinkedHashMap, TreeMap, HashSet, LinkedHashSet, TreeSet,
 * byte[], int[], long[], double[], String[], BigDecimal, BigInteger, UUID, Instant, LocalDate,
 * LocalDateTime, Duration}; the value type itself when it is a concrete class; then the builder's
 * {@link Builder#register} list. {@link Builder#registrationRequired(boolean)
 * registrationRequired(false)} lets unregistered classes through by name: only for trusted Redis.
 *
 * <p><b>Format.</b> {@code 0x4B 0x01} (format 1), the CRC-32C of the rest (4 bytes, big-endian),
 * then Kryo's {@code writeClassAndObject} output. Bytes without this header (say, text written by a
 * classic peer), with a wrong checksum (corrupt), with trailing bytes, naming an unregistered class
 * or decoding to another type than the codec's all raise a {@link CodecException}; so does
 * encoding an unregistered class. Kryo references are off: values must not contain cycles.
 *
 * <p><b>Hostile bytes.</b> No input bytes make {@link #decode} throw anything but a {@link
 * CodecException}: lengths (of arrays, collections, maps, strings) larger than the bytes left are
 * refused before anything is allocated, nesting deeper than {@link Builder#maxDepth(int) maxDepth}
 * (default {@value #DEFAULT_MAX_DEPTH} levels) is refused before the stack overflows, and whatever
 * else Kryo or a registered serializer throws is converted, except the JVM-wide {@link
 * OutOfMemoryError} and {@link InternalError}.
 *
 * <p>Thread-safe: Kryo instances and output buffers are pooled ({@link Pool}, lock-based, never
 * a monitor lock, so virtual threads do not pin), each used by one thread at a time.
 *
 * @param <T> the value type
 */
public final class KryoCodec<T> implements Codec<T> {
  private static final byte MAGIC = 0x4B;
  private static final byte FORMAT = 0x01;
  private static final int HEADER = 6;
  private static final int KEEP_BUFFER_BYTES = 64 * 1024;
  private static final int POOL_SIZE = 64;

  /**
   * The default {@linkplain Builder#maxDepth(int) nesting limit}: 64 levels, the value itself
   * being the first.
   */
  public static final int DEFAULT_MAX_DEPTH = 64;

  private final Class<T> type;
  private final List<Class<?>> registrations;
  private final boolean registrationRequired;
  private final int maxDepth;
  private final Pool<Kryo> kryos;
  private final Pool<Output> outputs;

  private KryoCodec(
      Class<T> type, List<Class<?>> registrations, boolean registrationRequired, int maxDepth) {
    this.type = type;
    this.registrations = registrations;
    this.registrationRequired = registrationRequired;
    this.maxDepth = maxDepth;
    this.kryos =
        new Pool<>(true, false, POOL_SIZE) {
          @Override
          protected Kryo create() {
            return newKryo();
          }
        };
    this.outputs =
        new Pool<>(true, false, POOL_SIZE) {
          @Override
          protected Output create() {
            return new Output(256, -1);
          }
        };
    newKryo(); // fail fast on a class Kryo cannot register
  }

  /**
   * Starts a builder.
   *
   * @param type the value type (a class, record, interface or abstract class; values may be of
   *     subclasses, which must be registered)
   * @param <T> the value type
   * @return a new builder
   */
  public static <T> Builder<T> builder(Class<T> type) {
    return new Builder<>(Objects.requireNonNull(type, "type"));
  }

  @Override
  public byte[] encode(T value) {
    Objects.requireNonNull(value, "value");
    Kryo kryo = kryos.obtain();
    Output output = outputs.obtain();
    boolean usable = true;
    try {
      output.reset();
      output.writeBytes(new byte[HEADER]);
      kryo.writeClassAndObject(output, value);
      byte[] bytes = output.toBytes();
      CRC32C crc = new CRC32C();
      crc.update(bytes, HEADER, bytes.length - HEADER);
      bytes[0] = MAGIC;
      bytes[1] = FORMAT;
      ByteBuffer.wrap(bytes, 2, 4).putInt((int) crc.getValue());
      return bytes;
    } catch (Throwable e) {
      usable = Failures.leavesKryoUsable(e);
      throw Failures.convert(e, "encode a " + value.getClass().getName(), maxDepth);
    } finally {
      release(kryo, usable);
      if (output.getBuffer().length <= KEEP_BUFFER_BYTES) {
        outputs.free(output);
      }
    }
  }

  @Override
  public T decode(byte[] bytes) {
    if (bytes.length < HEADER + 1 || bytes[0] != MAGIC) {
      throw new CodecException(
          null,
          null,
          "not KryoCodec bytes (" + bytes.length + " bytes without the 0x4B header): foreign data?",
          null);
    }
    if (bytes[1] != FORMAT) {
      throw new CodecException(
          null, null, "KryoCodec format " + bytes[1] + " is unknown; this library reads 1", null);
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, HEADER, bytes.length - HEADER);
    if (ByteBuffer.wrap(bytes, 2, 4).getInt() != (int) crc.getValue()) {
      throw new CodecException(
          null, null, "corrupt KryoCodec bytes: the CRC-32C does not match", null);
    }
    Kryo kryo = kryos.obtain();
    Object value;
    Input input = new Bounds.BoundedInput(bytes, HEADER, bytes.length - HEADER);
    boolean usable = true;
    try {
      value = kryo.readClassAndObject(input);
    } catch (Throwable e) { // bytes may make Kryo throw anything: see Failures for what passes
      usable = Failures.leavesKryoUsable(e);
      throw Failures.convert(e, "decode the bytes", maxDepth);
    } finally {
      release(kryo, usable);
    }
    if (input.position() != bytes.length) {
      throw new CodecException(
          null, null, (bytes.length - input.position()) + " trailing bytes after the value", null);
    }
    if (!type.isInstance(value)) {
      throw new CodecException(
          null,
          null,
          "decoded a "
              + (value == null ? "null" : value.getClass().getName())
              + " where a "
              + type.getName()
              + " was expected",
          null);
    }
    return type.cast(value);
  }

  @Override
  public String toString() {
    return "KryoCodec[" + type.getName() + ", registrations=" + registrations
        + ", maxDepth=" + maxDepth
        + (registrationRequired ? "" : ", unregistered classes allowed") + "]";
  }

  private Kryo newKryo() {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(registrationRequired);
    kryo.setWarnUnregisteredClasses(false);
    kryo.setReferences(false);
    kryo.setMaxDepth(maxDepth); // bytes nesting deeper are refused before the stack overflows
    kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
    ClassLoader loader = type.getClassLoader();
    if (loader != null) {
      kryo.setClassLoader(loader);
    }
    ImmutableCollectionsSerializers.registerSerializers(kryo);
    for (Class<?> builtIn : BUILT_INS) {
      if (builtIn == UUID.class) {
        kryo.register(UUID.class, new UuidSerializer()); // Kryo has none; fields need opens
      } else {
        kryo.register(builtIn);
      }
    }
    if (concrete(type) && kryo.getClassResolver().getRegistration(type) == null) {
      kryo.register(type);
    }
    for (Class<?> registration : registrations) {
      kryo.register(registration);
    }
    Bounds.apply(kryo); // same wire format, but no allocation beyond what the bytes can hold
    return kryo;
  }

  private static final List<Class<?>> BUILT_INS =
      List.of(
          ArrayList.class,
          LinkedList.class,
          HashMap.class,
          LinkedHashMap.class,
          TreeMap.class,
          HashSet.class,
          LinkedHashSet.class,
          TreeSet.class,
          byte[].class,
          int[].class,
          long[].class,
          double[].class,
          String[].class,
          BigDecimal.class,
          BigInteger.class,
          UUID.class,
          Instant.class,
          LocalDate.class,
          LocalDateTime.class,
          Duration.class);

  /** Two longs; Kryo's field serializer would need {@code --add-opens java.base/java.util}. */
  private static final class UuidSerializer extends Serializer<UUID> {
    UuidSerializer() {
      super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output output, UUID uuid) {
      output.writeLong(uuid.getMostSignificantBits());
      output.writeLong(uuid.getLeastSignificantBits());
    }

    @Override
    public UUID read(Kryo kryo, Input input, Class<? extends UUID> type) {
      return new UUID(input.readLong(), input.readLong());
    }
  }

  private static boolean concrete(Class<?> type) {
    return !type.isInterface()
        && !Modifier.isAbstract(type.getModifiers())
        && !type.isPrimitive()
        && type != Object.class;
  }

  /**
   * Returns a Kryo instance to its pool, unless an {@link Error} (a stack overflow, say) may have
   * left it half-way through a graph: that one is dropped, and the pool makes a new one.
   */
  private void release(Kryo kryo, boolean usable) {
    if (usable && kryo.getDepth() == 0) {
      kryos.free(kryo);
    }
  }

  /**
   * Builds a {@link KryoCodec}. Each option may be set once. Not thread-safe.
   *
   * @param <T> the value type
   */
  public static final class Builder<T> {
    private final Class<T> type;
    private final List<Class<?>> registrations = new ArrayList<>();
    private @Nullable Boolean registrationRequired;
    private int maxDepth;

    private Builder(Class<T> type) {
      this.type = type;
    }

    /**
     * Registers classes, after the built-ins and the value type, in the order given (calls append).
     * Every process sharing the data must register the same classes in the same order.
     *
     * @param classes the classes a value may contain (its fields' classes, subclasses, element
     *     classes of its collections)
     * @return this builder
     * @throws IllegalArgumentException if a class is given twice
     */
    public Builder<T> register(Class<?>... classes) {
      for (Class<?> c : classes) {
        Objects.requireNonNull(c, "a class to register");
        if (registrations.contains(c)) {
          throw new IllegalArgumentException(c.getName() + " is registered twice");
        }
        registrations.add(c);
      }
      return this;
    }

    /**
     * Whether only registered classes may be encoded and decoded. Default {@code true}. With
     * {@code false}, unregistered classes are written by name and any class on the class path can
     * be instantiated by whoever writes the bytes: use only when every writer is trusted.
     *
     * @param required the policy
     * @return this builder
     */
    public Builder<T> registrationRequired(boolean required) {
      if (registrationRequired != null) {
        throw new IllegalStateException("registrationRequired was already set");
      }
      this.registrationRequired = required;
      return this;
    }

    /**
     * How deep a value may nest, the value itself being level 1: a {@code List<String>} has two
     * levels, a record holding a {@code Map<String, List<Integer>>} four. Default {@value
     * KryoCodec#DEFAULT_MAX_DEPTH}. Bytes nesting deeper are refused with a {@link CodecException}
     * before they can overflow the decoding thread's stack, and so are values nesting deeper when
     * encoded, so that nothing this codec writes is beyond its own limit (or a peer's with the
     * same limit). Fields of primitive types are not levels.
     *
     * <p>A stack overflow that happens anyway (a thread with a very small stack, a limit set very
     * high) is a {@link CodecException} too.
     *
     * @param levels the limit, at least 1
     * @return this builder
     * @throws IllegalArgumentException if levels is less than 1
     * @throws IllegalStateException if the limit was already set
     */
    public Builder<T> maxDepth(int levels) {
      if (maxDepth != 0) {
        throw new IllegalStateException("maxDepth was already set");
      }
      if (levels < 1) {
        throw new IllegalArgumentException("maxDepth must be at least 1, was " + levels);
      }
      this.maxDepth = levels;
      return this;
    }

    /**
     * @return the codec
     * @throws IllegalArgumentException if Kryo cannot register one of the classes
     */
    public KryoCodec<T> build() {
      try {
        return new KryoCodec<>(
            type,
            List.copyOf(registrations),
            registrationRequired == null || registrationRequired,
            maxDepth == 0 ? DEFAULT_MAX_DEPTH : maxDepth);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("Kryo cannot register the classes: " + e.getMessage(), e);
      }
    }
  }
}
