package io.memolock.spi;

import io.memolock.CodecException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns values into bytes and back. Implementations must be thread-safe.
 *
 * <p>Bytes read from Redis may have been written by anyone: {@link #decode} must turn every input
 * it cannot decode into a {@link CodecException}, never another exception, an {@link Error} such
 * as {@link StackOverflowError}, or {@code null}. The built-in codecs and {@code KryoCodec} do;
 * the storages shipped with MemoLock hold any other codec {@linkplain #guarded(Codec) guarded}.
 *
 * @param <V> the value type
 */
public interface Codec<V> {

  /**
   * @param value the value, not null
   * @return its bytes
   * @throws CodecException if the value cannot be encoded
   */
  byte[] encode(V value);

  /**
   * @param bytes bytes read from Redis, possibly written by a foreign producer
   * @return the value, not null
   * @throws CodecException if the bytes are not a valid encoding, whatever they hold
   */
  V decode(byte[] bytes);

  /**
   * A view of {@code codec} that raises nothing but {@link CodecException}: whatever else its
   * {@code encode} or {@code decode} throws (a runtime exception, a {@link LinkageError}, a {@link
   * StackOverflowError}, a checked exception thrown sneakily) becomes the cause of a {@code
   * CodecException}, and so does a {@code null} result. Only the JVM-wide {@link
   * VirtualMachineError}s ({@link OutOfMemoryError}, {@link InternalError}) pass through unchanged.
   * Storages apply this to the codecs they are given, so a third-party codec that throws, say,
   * {@code IllegalStateException} on foreign bytes still fails as a {@code CodecException}.
   *
   * @param codec the codec to guard
   * @param <V> the value type
   * @return the guarded codec (itself, if it is already guarded or a built-in codec)
   */
  static <V> Codec<V> guarded(Codec<V> codec) {
    java.util.Objects.requireNonNull(codec, "codec");
    if (codec instanceof GuardedCodec<V>
        || codec instanceof Utf8Codec
        || codec instanceof BytesCodec) {
      return codec;
    }
    return new GuardedCodec<>(codec);
  }

  /**
   * Strict UTF-8: strings with unpaired surrogates cannot be encoded and malformed bytes cannot be
   * decoded (both raise {@link CodecException}, nothing is replaced silently). With the Strings
   * storage and the classic key scheme, this codec speaks the original implementations' protocol.
   *
   * @return the UTF-8 codec
   */
  static Codec<String> utf8() {
    return Utf8Codec.INSTANCE;
  }

  /**
   * Raw bytes, copied in both directions so callers cannot change what others read.
   *
   * @return the raw-bytes codec
   */
  static Codec<byte[]> bytes() {
    return BytesCodec.INSTANCE;
  }
}

/** Strict UTF-8. Thread-safe: encoders and decoders are created per call. */
enum Utf8Codec implements Codec<String> {
  INSTANCE;

  @Override
  public byte[] encode(String value) {
    if (!hasSurrogate(value)) {
      return value.getBytes(StandardCharsets.UTF_8); // the JDK's fast path; nothing to replace
    }
    try {
      ByteBuffer buffer =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(value));
      return Arrays.copyOfRange(buffer.array(), buffer.position(), buffer.limit());
    } catch (CharacterCodingException e) {
      throw new CodecException(null, null, "value is not valid Unicode text: " + e, e);
    }
  }

  @Override
  public String decode(byte[] bytes) {
    String fast = new String(bytes, StandardCharsets.UTF_8);
    if (fast.indexOf('\uFFFD') < 0) {
      return fast; // no replacement character: the bytes were well-formed
    }
    return strictDecode(bytes);
  }

  private static boolean hasSurrogate(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (Character.isSurrogate(value.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** Malformed bytes, or a genuine U+FFFD: only the strict decoder can tell which. */
  private static String strictDecode(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CodecException(
          null, null, "bytes are not valid UTF-8 (" + bytes.length + " bytes): " + e, e);
    }
  }
}

/** Raw bytes. Thread-safe and stateless. */
enum BytesCodec implements Codec<byte[]> {
  INSTANCE;

  @Override
  public byte[] encode(byte[] value) {
    return value.clone();
  }

  @Override
  public byte[] decode(byte[] bytes) {
    return bytes.clone();
  }
}
