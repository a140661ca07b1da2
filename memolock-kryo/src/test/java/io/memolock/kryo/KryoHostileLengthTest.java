package io.memolock.kryo;

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

  private static void survivesHugeLengthsEverywhere(KryoCodec<Object> codec, Object value) {
    byte[] good = codec.encode(value);
    assertEquals(value instanceof Object[] a ? Arrays.asList(a) : value, normalize(codec.decode(good)));
    int checked = 0;
    for (byte[] huge : HUGE_VARINTS) {
      for (int at = 6; at <= good.length; at++) {
        for (boolean replace : new boolean[] {false, true}) {
          byte[] bad = new byte[good.length + huge.length];
          System.arraycopy(good, 0, bad, 0, at);
          System.arraycopy(huge, 0, bad, at, huge.length);
          int rest = good.length - at - (replace && at < good.length ? 1 : 0);
          System.arraycopy(good, good.length - rest, bad, at + huge.length, rest);
          bad = Arrays.copyOf(bad, at + huge.length + rest);
          KryoCodecTest.withValidChecksum(bad);
          try {
            codec.decode(bad);
          } catch (CodecException expected) {
            // the only way to fail
          }
          checked++;
        }
      }
    }
    assertEquals(true, checked > 0);
  }

  private static Object normalize(Object o) {
    return o instanceof Object[] a ? Arrays.asList(a) : o;
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
      survivesHugeLengthsEverywhere(codec, value);
    }
  }

  @Test
  void primitiveArraysToo() {
    KryoCodec<double[]> doubles = KryoCodec.builder(double[].class).build();
    byte[] good = doubles.encode(new double[] {1, 2, 3});
    for (byte[] huge : HUGE_VARINTS) {
      for (int at = 6; at <= good.length; at++) {
        byte[] bad = new byte[good.length + huge.length];
        System.arraycopy(good, 0, bad, 0, at);
        System.arraycopy(huge, 0, bad, at, huge.length);
        System.arraycopy(good, at, bad, at + huge.length, good.length - at);
        KryoCodecTest.withValidChecksum(bad);
        try {
          doubles.decode(bad);
        } catch (CodecException expected) {
          // the only way to fail
        }
      }
    }
  }
}
