package io.memolock.testkit;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of arbitrary and adversarial byte arrays, for properties that say a decoder turns
 * every input into a value or a {@code CodecException}: random bytes, valid encodings truncated,
 * with bits flipped, with huge lengths inserted, a slice repeated thousands of times (deep
 * nesting), and malformed UTF-8. Stateless and thread-safe.
 */
public final class HostileBytes {
  /** Variable-length integers as Kryo, protobuf and others write them, and fixed-width extremes. */
  private static final byte[][] HUGE_LENGTHS = {
    {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07}, // varint 2^31 - 1
    {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, 0x7F}, // varint about 2^28
    {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F}, // varint -1 as unsigned
    {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
      (byte) 0xFF, (byte) 0xFF, 0x01}, // varlong 2^64 - 1
    {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, // int 2^31 - 1, big-endian
    {(byte) 0x80, 0, 0, 0}, // int -2^31, big-endian
  };

  /** Byte sequences that are not UTF-8, or not minimal UTF-8. */
  private static final byte[][] MALFORMED_UTF8 = {
    {(byte) 0x80}, // a continuation byte alone
    {(byte) 0xC3, 0x28}, // a lead byte without its continuation
    {(byte) 0xC0, (byte) 0x80}, // overlong NUL
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate
    {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // beyond U+10FFFF
    {(byte) 0xE2, (byte) 0x82}, // truncated
    {(byte) 0xFF},
    {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD}, // a genuine U+FFFD: valid, and must stay so
  };

  private HostileBytes() {}

  /**
   * Hostile variants of valid encodings, and random bytes.
   *
   * @param valid valid encodings of the decoder under test (each at least one byte is best)
   * @return arbitrary and adversarial byte arrays, valid ones among them now and then
   */
  public static Arbitrary<byte[]> from(Arbitrary<byte[]> valid) {
    Arbitrary<Integer> anywhere = Arbitraries.integers().between(0, Integer.MAX_VALUE);
    return Arbitraries.frequencyOf(
        Tuple.of(3, random()),
        Tuple.of(1, valid),
        Tuple.of(3, Combinators.combine(valid, anywhere).as(HostileBytes::truncated)),
        Tuple.of(
            4,
            Combinators.combine(valid, anywhere.list().ofMinSize(1).ofMaxSize(3), flips())
                .as(HostileBytes::flipped)),
        Tuple.of(
            3,
            Combinators.combine(valid, anywhere, Arbitraries.of(HUGE_LENGTHS), Arbitraries.of(0, 1))
                .as(HostileBytes::spliced)),
        Tuple.of(
            2,
            Combinators.combine(valid, anywhere, Arbitraries.of(MALFORMED_UTF8), Arbitraries.of(0, 1))
                .as(HostileBytes::spliced)),
        Tuple.of(
            2,
            Combinators.combine(
                    valid, anywhere, anywhere, Arbitraries.integers().between(2, 20_000))
                .as(HostileBytes::repeated)));
  }

  /** @return random bytes, mostly short, some a few kilobytes long, empty ones included */
  public static Arbitrary<byte[]> random() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.bytes().array(byte[].class).ofMaxSize(48)),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(4096)));
  }

  /**
   * @param bytes an encoding
   * @param times how many times to repeat it
   * @return {@code bytes} repeated, as a deeply nested encoding would be
   */
  public static byte[] repeat(byte[] bytes, int times) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length * times);
    for (int i = 0; i < times; i++) {
      out.write(bytes, 0, bytes.length);
    }
    return out.toByteArray();
  }

  private static Arbitrary<Integer> flips() {
    return Arbitraries.integers().between(1, 255);
  }

  private static byte[] truncated(byte[] valid, int at) {
    return valid.length == 0 ? valid : Arrays.copyOf(valid, at % valid.length);
  }

  private static byte[] flipped(byte[] valid, java.util.List<Integer> where, int mask) {
    if (valid.length == 0) {
      return new byte[] {(byte) mask};
    }
    byte[] bad = valid.clone();
    for (int at : where) {
      bad[at % bad.length] ^= (byte) mask;
    }
    return bad;
  }

  /** Inserts {@code piece} at a position, or puts it in place of as many bytes when replacing. */
  private static byte[] spliced(byte[] valid, int where, byte[] piece, int replace) {
    int at = where % (valid.length + 1);
    int removed = replace == 1 ? Math.min(piece.length, valid.length - at) : 0;
    byte[] bad = new byte[valid.length - removed + piece.length];
    System.arraycopy(valid, 0, bad, 0, at);
    System.arraycopy(piece, 0, bad, at, piece.length);
    System.arraycopy(valid, at + removed, bad, at + piece.length, valid.length - at - removed);
    return bad;
  }

  /**
   * A slice of a valid encoding repeated many times where it was, then the rest: the shape of a
   * collection nesting itself thousands of levels deep.
   */
  private static byte[] repeated(byte[] valid, int from, int length, int times) {
    if (valid.length == 0) {
      return repeat(new byte[] {(byte) from}, times);
    }
    int start = from % valid.length;
    int count = 1 + length % Math.min(4, valid.length - start);
    byte[] slice = Arrays.copyOfRange(valid, start, start + count);
    ByteArrayOutputStream out = new ByteArrayOutputStream(valid.length + count * times);
    out.write(valid, 0, start);
    out.writeBytes(repeat(slice, times));
    out.write(valid, start + count, valid.length - start - count);
    return out.toByteArray();
  }
}
