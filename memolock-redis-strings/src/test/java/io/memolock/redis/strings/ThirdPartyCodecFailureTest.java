package io.memolock.redis.strings;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.memolock.CodecException;
import io.memolock.MemoLock;
import io.memolock.spi.Codec;
import io.memolock.storage.conformance.ThirdPartyCodecs;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A third-party codec that fails on foreign bytes with its own exception (or breaks the contract
 * by decoding them to null) still fails as a {@link CodecException} through this storage, on
 * every read path: the storage holds its codec {@linkplain Codec#guarded guarded}.
 */
class ThirdPartyCodecFailureTest extends RedisFixture {

  @Test
  void aThirdPartyCodecsOwnExceptionOnForeignBytesIsACodecException() {
    StringStorage<String> storage = StringStorage.of(ThirdPartyCodecs.picky());
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
    StringStorage<String> storage = StringStorage.of(ThirdPartyCodecs.nulls());
    redis.set("foreign:x", "anything");
    byte[] key = "foreign:x".getBytes(StandardCharsets.UTF_8);
    assertThrows(CodecException.class, () -> storage.read(redis, key));
    assertThrows(CodecException.class, () -> storage.fromNotification(key));
  }
}
