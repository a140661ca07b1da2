package io.memolock.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps bytes from Redis from making Kryo allocate more than they could hold: every element of an
 * array, collection, map or string takes at least one byte of the input, so a length larger than
 * the bytes left is corrupt (or hostile) and is refused before anything is allocated. Without this,
 * a few bytes announcing a {@code double[]} of two billion elements exhaust the heap.
 */
final class Bounds {
  private Bounds() {}

  /** Refuses {@code count} elements when fewer bytes than that are left. */
  static void check(Input input, int count) {
    int left = input.limit() - input.position();
    if (count < 0 || count > left) {
      throw new KryoException(
          "a length of " + count + " exceeds the " + left + " bytes left in the input");
    }
  }

  /** Puts a bounded serializer on every registration whose serializer allocates by a length. */
  static void apply(Kryo kryo) {
    for (int id = 0; id < kryo.getNextRegistrationId(); id++) {
      Registration registration = kryo.getRegistration(id);
      if (registration == null) {
        continue;
      }
      Serializer<?> bounded = bounded(registration.getSerializer());
      if (bounded != null) {
        registration.setSerializer(bounded);
      }
    }
  }

  private static Serializer<?> bounded(Serializer<?> serializer) {
    Class<?> c = serializer.getClass();
    if (c.getEnclosingClass() == DefaultArraySerializers.class) {
      return new LengthFirst<>(serializer);
    }
    if (c == CollectionSerializer.class) {
      return new BoundedCollection<>();
    }
    if (c == MapSerializer.class) {
      return new BoundedMap<>();
    }
    if (c == DefaultSerializers.TreeSetSerializer.class) {
      return new BoundedTreeSet();
    }
    if (c == DefaultSerializers.TreeMapSerializer.class) {
      return new BoundedTreeMap();
    }
    if (c == ImmutableCollectionsSerializers.JdkImmutableListSerializer.class) {
      return new ImmutableList();
    }
    if (c == ImmutableCollectionsSerializers.JdkImmutableSetSerializer.class) {
      return new ImmutableSet();
    }
    if (c == ImmutableCollectionsSerializers.JdkImmutableMapSerializer.class) {
      return new ImmutableMap();
    }
    return null;
  }

  /**
   * An input whose UTF-8 strings cannot announce more characters than bytes are left, and whose
   * byte reads cannot ask for more bytes than are left: every serializer that reads a length and
   * then that many bytes ({@code BigInteger}, {@code BigDecimal}, a user's own) is bounded before it
   * allocates (found by the hostile-bytes property: a forged {@code BigInteger} length asked for a
   * 2 GB array).
   */
  static final class BoundedInput extends Input {
    BoundedInput(byte[] bytes, int offset, int count) {
      super(bytes, offset, count);
    }

    @Override
    public byte[] readBytes(int length) {
      check(this, length);
      return super.readBytes(length);
    }

    @Override
    public String readString() {
      if (position() < limit() && readVarIntFlag()) { // UTF-8 (ASCII is bounded by the input)
        int at = position();
        int count = readVarIntFlag(true);
        setPosition(at);
        if (count > 1) { // 0: null, 1: empty
          check(this, count - 1);
        }
      }
      return super.readString();
    }
  }

  /** Arrays: Kryo writes the length plus one first. */
  private static final class LengthFirst<T> extends Serializer<T> {
    private final Serializer<T> inner;

    LengthFirst(Serializer<T> inner) {
      super(inner.getAcceptsNull(), inner.isImmutable());
      this.inner = inner;
    }

    @Override
    public void write(Kryo kryo, Output output, T object) {
      inner.write(kryo, output, object);
    }

    @Override
    public T read(Kryo kryo, Input input, Class<? extends T> type) {
      int at = input.position();
      int lengthPlusOne = input.readVarInt(true);
      input.setPosition(at);
      if (lengthPlusOne > 0) { // 0: null
        check(input, lengthPlusOne - 1);
      }
      return inner.read(kryo, input, type);
    }

    @Override
    public T copy(Kryo kryo, T original) {
      return inner.copy(kryo, original);
    }
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static final class BoundedCollection<T extends Collection> extends CollectionSerializer<T> {
    @Override
    protected T create(Kryo kryo, Input input, Class<? extends T> type, int size) {
      check(input, size);
      return super.create(kryo, input, type, size);
    }
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static final class BoundedMap<T extends Map> extends MapSerializer<T> {
    @Override
    protected T create(Kryo kryo, Input input, Class<? extends T> type, int size) {
      check(input, size);
      return super.create(kryo, input, type, size);
    }
  }

  @SuppressWarnings("rawtypes") // Kryo declares these serializers with raw types
  private static final class BoundedTreeSet extends DefaultSerializers.TreeSetSerializer {
    @Override
    protected java.util.TreeSet create(
        Kryo kryo, Input input, Class<? extends java.util.TreeSet> type, int size) {
      check(input, size);
      return super.create(kryo, input, type, size);
    }
  }

  @SuppressWarnings("rawtypes")
  private static final class BoundedTreeMap extends DefaultSerializers.TreeMapSerializer {
    @Override
    protected java.util.TreeMap create(
        Kryo kryo, Input input, Class<? extends java.util.TreeMap> type, int size) {
      check(input, size);
      return super.create(kryo, input, type, size);
    }
  }

  /** {@code List.of(...)}: read into a list of the announced (bounded) size, then copied. */
  private static final class ImmutableList extends CollectionSerializer<List<Object>> {
    ImmutableList() {
      setElementsCanBeNull(false);
    }

    @Override
    protected List<Object> create(
        Kryo kryo, Input input, Class<? extends List<Object>> type, int size) {
      check(input, size);
      return new ArrayList<>(size);
    }

    @Override
    public List<Object> read(Kryo kryo, Input input, Class<? extends List<Object>> type) {
      return List.of(super.read(kryo, input, type).toArray());
    }
  }

  /** {@code Set.of(...)}, the same way. */
  private static final class ImmutableSet extends CollectionSerializer<Set<Object>> {
    ImmutableSet() {
      setElementsCanBeNull(false);
    }

    @Override
    protected Set<Object> create(
        Kryo kryo, Input input, Class<? extends Set<Object>> type, int size) {
      check(input, size);
      return new java.util.HashSet<>(size);
    }

    @Override
    public Set<Object> read(Kryo kryo, Input input, Class<? extends Set<Object>> type) {
      return Set.of(super.read(kryo, input, type).toArray());
    }
  }

  /** {@code Map.of(...)}, the same way. */
  private static final class ImmutableMap extends MapSerializer<Map<Object, Object>> {
    ImmutableMap() {
      setKeysCanBeNull(false);
      setValuesCanBeNull(false);
    }

    @Override
    protected Map<Object, Object> create(
        Kryo kryo, Input input, Class<? extends Map<Object, Object>> type, int size) {
      check(input, size);
      return new HashMap<>(size);
    }

    @Override
    public Map<Object, Object> read(Kryo kryo, Input input, Class<? extends Map<Object, Object>> type) {
      return Map.copyOf(super.read(kryo, input, type));
    }
  }
}
