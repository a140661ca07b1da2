package io.memolock.kryo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memolock.CodecException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Bytes announcing a huge array, collection, map or string must give a {@link CodecException}, not
 * exhaust the heap: a maximal length is inserted at every position of real encodings (with the
 * checksum fixed up), and every decode must either succeed or fail with a CodecException.
 */
class KryoHostileLengthTest {
  private static final byte[][] HUGE_VARINTS = {
    {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07}, // 2^31 - 1
    {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, 0x7F}, // about 2^28
  };

  /** Inserts (or puts in place of one byte) each huge length at every position after the header. */
  private static void survivesHugeLengthsEverywhere(KryoCodec<?> codec, byte[] good) {
    for (byte[] huge : HUGE_VARINTS) {
      for (int at = 6; at <= good.length; at++) {
        for (int replaced = 0; replaced <= (at < good.length ? 1 : 0); replaced++) {
          int rest = good.length - at - replaced;
          byte[] bad = new byte[at + huge.length + rest];
          System.arraycopy(good, 0, bad, 0, at);
          System.arraycopy(huge, 0, bad, at, huge.length);
          System.arraycopy(good, at + replaced, bad, at + huge.length, rest);
          KryoCodecTest.withValidChecksum(bad);
          try {
            codec.decode(bad);
          } catch (CodecException expected) {
            // the only way to fail
          }
        }
      }
    }
  }

  @Test
  void arraysCollectionsMapsAndStringsNeverAllocateBeyondTheirBytes() {
    KryoCodec<Object> codec = KryoCodec.builder(Object.class).build();
    for (Object value :
        List.<Object>of(
            new ArrayList<>(List.of("a", "bb", "ccc")),
            new LinkedList<>(List.of(1L, 2L)),
            new HashMap<>(Map.of("k", 1, "l", 2)),
            new TreeMap<>(Map.of("k", 1)),
            new TreeSet<>(Set.of("x", "y")),
            List.of("p", "q"),
            Set.of(7),
            Map.of("m", "n"),
            "naïve ✓ text",
            new String[] {"s", "t"})) {
      byte[] good = codec.encode(value);
      Object back = codec.decode(good);
      assertEquals(
          value instanceof Object[] a ? Arrays.asList(a) : value,
          back instanceof Object[] b ? Arrays.asList(b) : back);
      survivesHugeLengthsEverywhere(codec, good);
    }
  }

  @Test
  void bigNumbersAndOtherLengthThenBytesSerializersNeverAllocateBeyondTheirBytes() {
    // Found by KryoHostileBytesProperties: a forged BigInteger length asked for a 2 GB array
    // ("Requested array size exceeds VM limit"), which no conversion to CodecException can catch.
    KryoCodec<Object> codec = KryoCodec.builder(Object.class).build();
    for (Object value :
        List.<Object>of(
            new java.math.BigInteger("123456789012345678901234567890"),
            new java.math.BigDecimal("-1234567890.0987654321"))) {
      byte[] good = codec.encode(value);
      assertEquals(value, codec.decode(good));
      survivesHugeLengthsEverywhere(codec, good);
    }
  }

  @Test
  void primitiveArraysToo() {
    KryoCodec<double[]> doubles = KryoCodec.builder(double[].class).build();
    byte[] good = doubles.encode(new double[] {1, 2, 3});
    assertArrayEquals(new double[] {1, 2, 3}, doubles.decode(good));
    survivesHugeLengthsEverywhere(doubles, good);
  }
}
