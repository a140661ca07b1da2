package io.memolock.kryo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.CodecException;
import io.memolock.testkit.HostileBytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Whatever the bytes (random, truncated or bit-flipped encodings, huge lengths, nesting thousands
 * deep, most behind a valid header and CRC-32C so that they reach Kryo), every configuration of
 * {@link KryoCodec} decodes them to a value or fails with a {@link CodecException}.
 */
class KryoHostileBytesProperties {
  private static final KryoCodec<Object> ANY = KryoCodec.builder(Object.class).build();
  private static final KryoCodec<Object> SHALLOW =
      KryoCodec.builder(Object.class).maxDepth(3).build();
  private static final KryoCodec<Object> DEEP =
      KryoCodec.builder(Object.class).maxDepth(100_000).build();
  private static final KryoCodec<Object> UNREGISTERED =
      KryoCodec.builder(Object.class).registrationRequired(false).build();
  private static final KryoCodec<double[]> DOUBLES = KryoCodec.builder(double[].class).build();

  /**
   * @param valid valid KryoCodec encodings
   * @return hostile variants of them, four in five with their checksum made valid again
   */
  static Arbitrary<byte[]> hostile(Arbitrary<byte[]> valid) {
    Arbitrary<byte[]> mutated = HostileBytes.from(valid);
    Arbitrary<byte[]> nested =
        Arbitraries.integers()
            .between(1, 20_000)
            .map(
                depth -> {
                  byte[] payload = HostileBytes.repeat(new byte[] {0x12, (byte) 0x82, 0x12}, depth);
                  byte[] bytes = new byte[6 + payload.length + 5];
                  bytes[0] = 0x4B;
                  bytes[1] = 0x01;
                  System.arraycopy(payload, 0, bytes, 6, payload.length);
                  System.arraycopy(
                      new byte[] {0x12, (byte) 0x82, 0x12, 0x00, 0x01}, 0, bytes, 6 + payload.length, 5);
                  return KryoCodecTest.withValidChecksum(bytes);
                });
    Arbitrary<byte[]> rechecked =
        mutated.map(
            bytes -> {
              if (bytes.length >= 6) {
                byte[] fixed = bytes.clone();
                fixed[0] = 0x4B;
                fixed[1] = 0x01;
                return KryoCodecTest.withValidChecksum(fixed);
              }
              return bytes;
            });
    return Arbitraries.frequencyOf(Tuple.of(1, mutated), Tuple.of(4, rechecked), Tuple.of(1, nested));
  }

  @Provide
  Arbitrary<byte[]> hostileEncodings() {
    Arbitrary<Object> values =
        Arbitraries.oneOf(
            KryoCodecProperties.profiles().map(p -> List.of(p.name(), p.tags(), p.scores())),
            Arbitraries.integers().between(0, 6).map(KryoHostileNestingTest::nested),
            Arbitraries.strings().ofMaxLength(30).list().ofMaxSize(4).map(ArrayList::new),
            Arbitraries.maps(Arbitraries.strings().ofMaxLength(5), Arbitraries.longs())
                .ofMaxSize(4)
                .map(TreeMap::new),
            Arbitraries.doubles().array(double[].class).ofMaxSize(4).map(d -> (Object) d),
            Arbitraries.bigIntegers().between(
                    java.math.BigInteger.valueOf(Long.MIN_VALUE).pow(3),
                    java.math.BigInteger.valueOf(Long.MAX_VALUE).pow(3))
                .map(b -> (Object) b),
            Arbitraries.just(Map.of("k", List.of(1, 2))));
    return hostile(values.map(ANY::encode));
  }

  @Provide
  Arbitrary<KryoCodec<?>> codecs() {
    return Arbitraries.of(ANY, SHALLOW, DEEP, UNREGISTERED, DOUBLES, KryoCodecTest.CODEC);
  }

  @Property(tries = 2_000)
  void anyBytesDecodeToAValueOrACodecException(
      @ForAll("hostileEncodings") byte[] bytes, @ForAll("codecs") KryoCodec<?> codec) {
    try {
      assertTrue(codec.decode(bytes) != null, "a decoded value is never null");
    } catch (CodecException expected) {
      assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
    }
  }
}
