package io.memolock.kryo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.memolock.CodecException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Round trips of arbitrary values, and no way for damaged bytes to escape as anything but a CodecException. */
class KryoCodecProperties {
  private static final KryoCodec<Profile> CODEC = KryoCodecTest.CODEC;

  static Arbitrary<Profile> profiles() {
    Arbitrary<String> text = Arbitraries.strings().ofMaxLength(20);
    Arbitrary<Profile.Address> address =
        Combinators.combine(text, text).as(Profile.Address::new).injectNull(0.3);
    return Combinators.combine(
            text,
            Arbitraries.integers(),
            text.list().ofMaxSize(5).map(List::copyOf),
            Arbitraries.maps(text, Arbitraries.integers()).ofMaxSize(5).map(Map::copyOf),
            address)
        .as(Profile::new);
  }

  @Provide
  Arbitrary<Profile> anyProfile() {
    return profiles();
  }

  @Property(tries = 300)
  void anyProfileRoundTrips(@ForAll("anyProfile") Profile profile) {
    assertEquals(profile, CODEC.decode(CODEC.encode(profile)));
  }

  @Property(tries = 300)
  void aDamagedEncodingIsAlwaysACodecException(
      @ForAll("anyProfile") Profile profile,
      @ForAll @IntRange(min = 0, max = 10_000) int where,
      @ForAll @IntRange(min = 1, max = 255) int flip,
      @ForAll @IntRange(min = 0, max = 2) int how) {
    byte[] good = CODEC.encode(profile);
    byte[] bad =
        switch (how) {
          case 0 -> {
            byte[] b = good.clone();
            b[where % b.length] ^= (byte) flip;
            yield b;
          }
          case 1 -> Arrays.copyOf(good, where % good.length);
          default -> {
            byte[] b = Arrays.copyOf(good, good.length + 1 + where % 8);
            b[good.length] = (byte) flip;
            yield b;
          }
        };
    assertThrows(CodecException.class, () -> CODEC.decode(bad));
  }

  @Property(tries = 300)
  void arbitraryBytesWithAValidChecksumNeverEscapeAsAnotherException(
      @ForAll byte[] payload) {
    byte[] bytes = new byte[6 + payload.length];
    bytes[0] = 0x4B;
    bytes[1] = 0x01;
    System.arraycopy(payload, 0, bytes, 6, payload.length);
    KryoCodecTest.withValidChecksum(bytes);
    try {
      CODEC.decode(bytes);
    } catch (CodecException expected) {
      // the only way to fail
    }
  }
}
