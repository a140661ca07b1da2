package io.memolock.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.CodecException;
import io.memolock.testkit.HostileBytes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * No input bytes make a built-in codec, or a {@linkplain Codec#guarded guarded} third-party one,
 * throw anything but a {@link CodecException}.
 */
class CodecHostileBytesProperties {

  @Provide
  Arbitrary<byte[]> hostile() {
    return HostileBytes.from(
        Arbitraries.strings().ofMaxLength(40).map(s -> s.getBytes(StandardCharsets.UTF_8)));
  }

  @Property(tries = 2_000)
  void utf8DecodesAnyBytesToTextOrACodecException(@ForAll("hostile") byte[] bytes) {
    decodesOrFailsAsCodecException(Codec.utf8(), bytes);
  }

  @Property(tries = 500)
  void rawBytesDecodeAnyBytesToThemselves(@ForAll("hostile") byte[] bytes) {
    assertArrayEquals(bytes, Codec.bytes().decode(bytes));
  }

  @Property(tries = 500)
  void aGuardedCodecFailsOnlyAsCodecException(
      @ForAll("hostile") byte[] bytes, @ForAll("misbehaving") Codec<String> codec) {
    decodesOrFailsAsCodecException(Codec.guarded(codec), bytes);
  }

  @Provide
  Arbitrary<Codec<String>> misbehaving() {
    return Arbitraries.of(
        List.of(
            failing(() -> new IllegalStateException("a third-party codec's own exception")),
            failing(() -> new StackOverflowError()),
            failing(() -> new ExceptionInInitializerError("a class named by the bytes")),
            failing(() -> new AssertionError("an assert in a codec")),
            failing(() -> new NumberFormatException("not a number")),
            decodingTo(null),
            Codec.utf8()));
  }

  @Example
  void aGuardedCodecKeepsTheCauseAndTheInterruptFlag() {
    CodecException e =
        assertThrows(
            CodecException.class,
            () -> Codec.guarded(failing(() -> new IllegalStateException("boom"))).decode(new byte[3]));
    assertInstanceOf(IllegalStateException.class, e.getCause());
    assertTrue(e.getMessage().contains("cannot decode 3 bytes"), e.getMessage());

    Codec<String> interrupted = Codec.guarded(failing(InterruptedException::new));
    assertThrows(CodecException.class, () -> interrupted.decode(new byte[1]));
    assertTrue(Thread.interrupted(), "the interrupt flag is restored (and cleared here)");

    assertThrows(
        CodecException.class, () -> Codec.guarded(decodingTo(null)).encode("x"), "null bytes");
  }

  @Example
  void jvmWideErrorsPassThroughUnchanged() {
    OutOfMemoryError oom = new OutOfMemoryError("the heap, not the bytes");
    Codec<String> codec = Codec.guarded(failing(() -> oom));
    assertSame(oom, assertThrows(OutOfMemoryError.class, () -> codec.decode(new byte[1])));
  }

  @Example
  void guardingIsIdempotentAndLeavesBuiltInsAlone() {
    assertSame(Codec.utf8(), Codec.guarded(Codec.utf8()));
    assertSame(Codec.bytes(), Codec.guarded(Codec.bytes()));
    Codec<String> once = Codec.guarded(decodingTo("v"));
    assertSame(once, Codec.guarded(once));
    assertEquals("v", once.decode(new byte[0]));
  }

  static <V> void decodesOrFailsAsCodecException(Codec<V> codec, byte[] bytes) {
    try {
      V value = codec.decode(bytes);
      assertTrue(value != null, "a decoded value is never null");
    } catch (CodecException expected) {
      assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
    }
  }

  /** A codec whose encode and decode throw what the supplier makes, checked or not. */
  static Codec<String> failing(Supplier<? extends Throwable> failure) {
    return new Codec<>() {
      @Override
      public byte[] encode(String value) {
        throw CodecHostileBytesProperties.<RuntimeException>sneaky(failure.get());
      }

      @Override
      public String decode(byte[] bytes) {
        throw CodecHostileBytesProperties.<RuntimeException>sneaky(failure.get());
      }

      @Override
      public String toString() {
        return "codec throwing " + failure.get().getClass().getSimpleName();
      }
    };
  }

  /** A codec that breaks the contract by returning null from both directions. */
  static Codec<String> decodingTo(@org.jspecify.annotations.Nullable String value) {
    return new Codec<>() {
      @Override
      @SuppressWarnings("NullAway")
      public byte[] encode(String v) {
        return null;
      }

      @Override
      public String decode(byte[] bytes) {
        return value;
      }

      @Override
      public String toString() {
        return "codec returning " + value;
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }
}
