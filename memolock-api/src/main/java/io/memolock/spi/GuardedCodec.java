package io.memolock.spi;

import io.memolock.CodecException;
import java.util.Objects;

/**
 * A codec that raises nothing but {@link CodecException}, whatever the codec it wraps throws or
 * returns: see {@link Codec#guarded(Codec)}. Thread-safe when the wrapped codec is.
 *
 * @param <V> the value type
 */
final class GuardedCodec<V> implements Codec<V> {
  private final Codec<V> codec;

  GuardedCodec(Codec<V> codec) {
    this.codec = codec;
  }

  @Override
  public byte[] encode(V value) {
    byte[] bytes;
    try {
      bytes = codec.encode(value);
    } catch (Throwable e) { // a third-party codec may throw anything: see convert
      throw convert(e, "cannot encode a " + value.getClass().getName());
    }
    if (bytes == null) {
      throw new CodecException(null, null, codec + " encoded a value as null", null);
    }
    return bytes;
  }

  @Override
  public V decode(byte[] bytes) {
    V value;
    try {
      value = codec.decode(bytes);
    } catch (Throwable e) { // bytes from Redis may make a codec throw anything: see convert
      throw convert(e, "cannot decode " + bytes.length + " bytes");
    }
    if (value == null) {
      throw new CodecException(
          null, null, codec + " decoded " + bytes.length + " bytes as null, not a value", null);
    }
    return value;
  }

  /**
   * Every throwable but the JVM-wide {@link VirtualMachineError}s becomes a {@link CodecException}
   * (a {@link StackOverflowError}, which concerns one call, is converted too); an {@link
   * InterruptedException} thrown sneakily has the interrupt flag restored.
   */
  private CodecException convert(Throwable failure, String what) {
    if (failure instanceof VirtualMachineError vm && !(failure instanceof StackOverflowError)) {
      throw vm;
    }
    if (failure instanceof CodecException codecException) {
      return codecException;
    }
    if (failure instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    return new CodecException(
        null, null, codec + " " + what + ": " + failure, Objects.requireNonNull(failure));
  }

  @Override
  public String toString() {
    return codec.toString();
  }
}
