package io.memolock.storage.conformance;

import io.memolock.spi.Codec;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Codecs that behave as third-party ones do on bytes they did not write, for a storage's tests that
 * its codec is {@linkplain Codec#guarded guarded} on every read path. Stateless.
 */
public final class ThirdPartyCodecs {
  private ThirdPartyCodecs() {}

  /**
   * A codec with its own exception for foreign bytes.
   *
   * @return a UTF-8 codec that decodes only the text {@code "ok"} and throws {@link
   *     IllegalStateException} on anything else
   */
  public static Codec<String> picky() {
    return new Codec<>() {
      @Override
      public byte[] encode(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public String decode(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!text.equals("ok")) {
          throw new IllegalStateException("not what this codec writes: " + text);
        }
        return text;
      }
    };
  }

  /**
   * A codec that breaks the contract.
   *
   * @return a UTF-8 encoder that decodes everything to {@code null}
   */
  public static Codec<String> nulls() {
    return new Codec<>() {
      @Override
      public byte[] encode(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public @Nullable String decode(byte[] bytes) {
        return null;
      }
    };
  }
}
