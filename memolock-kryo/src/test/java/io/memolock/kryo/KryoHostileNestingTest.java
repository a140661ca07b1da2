package io.memolock.kryo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.CodecException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bytes nesting collections deeper than the codec's {@linkplain KryoCodec.Builder#maxDepth depth
 * limit} must give a {@link CodecException}, never a {@link StackOverflowError}; values within the
 * limit still round trip, and values beyond it are refused when encoded, so that nothing stored
 * can be unreadable.
 */
class KryoHostileNestingTest {

  /**
   * Issue 10's bytes: an {@code ArrayList} of one {@code ArrayList} of ... 20,000 deep, about 60 KB
   * behind the header and a valid CRC-32C.
   */
  static byte[] twentyThousandNestedLists() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {0x4B, 0x01, 0, 0, 0, 0}, 0, 6);
    for (int i = 0; i < 20_000; i++) {
      out.write(new byte[] {0x12, (byte) 0x82, 0x12}, 0, 3);
    }
    out.write(new byte[] {0x12, (byte) 0x82, 0x12, 0x00, 0x01}, 0, 5);
    return KryoCodecTest.withValidChecksum(out.toByteArray());
  }

  @Test
  void deeplyNestedCollectionsFailAsCodecExceptionNotStackOverflow() {
    KryoCodec<Object> codec = KryoCodec.builder(Object.class).build();
    byte[] hostile = twentyThousandNestedLists();
    assertEquals(60_011, hostile.length);
    CodecException e = assertThrows(CodecException.class, () -> codec.decode(hostile));
    assertTrue(e.getMessage().contains("deeper than"), e.getMessage());
    // The pooled Kryo instances are still usable afterwards.
    List<Object> value = nested(10);
    assertEquals(value, codec.decode(codec.encode(value)));
  }

  @Test
  void aStackOverflowBelowTheLimitIsACodecExceptionToo() {
    KryoCodec<Object> codec = KryoCodec.builder(Object.class).maxDepth(1_000_000).build();
    byte[] hostile = twentyThousandNestedLists();
    assertThrows(CodecException.class, () -> codec.decode(hostile));
    List<Object> value = nested(10);
    assertEquals(value, codec.decode(codec.encode(value)), "the codec still works");
  }

  @Test
  void valuesUpToTheLimitRoundTripAndDeeperOnesAreRefusedWhenEncoded() {
    KryoCodec<Object> codec = KryoCodec.builder(Object.class).maxDepth(5).build();
    List<Object> five = nested(5); // four lists around an empty one: five levels
    assertEquals(five, codec.decode(codec.encode(five)));
    CodecException e = assertThrows(CodecException.class, () -> codec.encode(nested(6)));
    assertTrue(e.getMessage().contains("deeper than 5"), e.getMessage());
    byte[] six = KryoCodec.builder(Object.class).build().encode(nested(6));
    assertThrows(CodecException.class, () -> codec.decode(six));
  }

  @Test
  void theDefaultLimitAllowsSixtyFourLevels() {
    KryoCodec<Object> codec = KryoCodec.builder(Object.class).build();
    assertEquals(nested(64), codec.decode(codec.encode(nested(64))));
    assertThrows(CodecException.class, () -> codec.encode(nested(65)));
  }

  @Test
  void maxDepthIsValidatedAndSetOnce() {
    assertThrows(IllegalArgumentException.class, () -> KryoCodec.builder(Object.class).maxDepth(0));
    KryoCodec.Builder<Object> builder = KryoCodec.builder(Object.class).maxDepth(3);
    assertThrows(IllegalStateException.class, () -> builder.maxDepth(4));
  }

  /** An ArrayList nesting {@code levels - 1} more, the innermost empty. */
  static List<Object> nested(int levels) {
    List<Object> inner = new ArrayList<>();
    for (int i = 1; i < levels; i++) {
      List<Object> outer = new ArrayList<>();
      outer.add(inner);
      inner = outer;
    }
    return inner;
  }
}
