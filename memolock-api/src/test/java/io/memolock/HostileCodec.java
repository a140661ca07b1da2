package io.memolock;

import io.memolock.spi.Codec;
import java.nio.charset.StandardCharsets;

/**
 * A UTF-8 codec that misbehaves on demand, as a buggy third-party codec or a codec meeting hostile
 * bytes does: bytes starting with {@code SOE} throw a {@link StackOverflowError} (what deeply
 * nested input does to a recursive decoder), bytes starting with {@code ISE} an {@link
 * IllegalStateException} (a codec that throws outside its contract). Everything else decodes
 * strictly as UTF-8. Stateless.
 */
final class HostileCodec implements Codec<String> {
  static final String STACK_OVERFLOW = "SOE";
  static final String ILLEGAL_STATE = "ISE";

  @Override
  public byte[] encode(String value) {
    return Codec.utf8().encode(value);
  }

  @Override
  public String decode(byte[] bytes) {
    String prefix = new String(bytes, 0, Math.min(3, bytes.length), StandardCharsets.ISO_8859_1);
    if (prefix.equals(STACK_OVERFLOW)) {
      throw new StackOverflowError("forged: decoding " + bytes.length + " bytes");
    }
    if (prefix.equals(ILLEGAL_STATE)) {
      throw new IllegalStateException("forged: a codec throwing outside its contract");
    }
    return Codec.utf8().decode(bytes);
  }
}
