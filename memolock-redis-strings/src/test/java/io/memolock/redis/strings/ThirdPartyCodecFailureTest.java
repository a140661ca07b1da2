package io.memolock.redis.strings;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.memolock.CodecException;
import io.memolock.MemoLock;
import io.memolock.spi.Codec;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A third-party codec that fails on foreign bytes with its own exception (or breaks the contract
 * by decoding them to null) still fails as a {@link CodecException} through this storage, on
 * every read path: the storage holds its codec {@linkplain Codec#guarded guarded}.
 */
class ThirdPartyCodecFailureTest extends RedisFixture {

  /** Decodes only the text {@code "ok"}; throws IllegalStateException on anything else. */
  static final Codec<String> PICKY =
      new Codec<>() {
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

  /** Breaks the contract: decodes everything to null. */
  static final Codec<String> NULLS =
      new Codec<>() {
        @Override
        public byte[] encode(String value) {
          return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public @Nullable String decode(byte[] bytes) {
          return null;
        }
      };

  @Test
  void aThirdPartyCodecsOwnExceptionOnForeignBytesIsACodecException() {
    StringStorage<String> storage = StringStorage.of(PICKY);
    redis.set("foreign:x", "written by a Go peer");
    byte[] key = "foreign:x".getBytes(StandardCharsets.UTF_8);
    CodecException e = assertThrows(CodecException.class, () -> storage.read(redis, key));
    assertInstanceOf(IllegalStateException.class, e.getCause());
    assertThrows(CodecException.class, () -> storage.readAll(redis, java.util.List.of(key)));
    assertThrows(CodecException.class, () -> storage.fromNotification(new byte[] {1, 2}));
    MemoLock<String> lock = track(MemoLock.builder(redis, storage).tag("foreign").build());
    assertThrows(CodecException.class, () -> lock.getIfPresent("x"));
  }

  @Test
  void aCodecDecodingToNullIsACodecExceptionNotAMissingValue() {
    StringStorage<String> storage = StringStorage.of(NULLS);
    redis.set("foreign:x", "anything");
    byte[] key = "foreign:x".getBytes(StandardCharsets.UTF_8);
    assertThrows(CodecException.class, () -> storage.read(redis, key));
    assertThrows(CodecException.class, () -> storage.fromNotification(key));
  }
}
