package io.memolock.redis.zset;

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
    SortedSetStorage<String> storage = SortedSetStorage.of(ThirdPartyCodecs.picky());
    redis.zadd("foreign:x", 1, "written by a Go peer");
    byte[] key = "foreign:x".getBytes(StandardCharsets.UTF_8);
    CodecException e = assertThrows(CodecException.class, () -> storage.read(redis, key));
    assertInstanceOf(IllegalStateException.class, e.getCause().getCause());
    MemoLock<java.util.Map<String, Double>> lock =
        track(MemoLock.builder(redis, storage).tag("foreign").build());
    assertThrows(CodecException.class, () -> lock.getIfPresent("x"));
    assertThrows(CodecException.class, () -> storage.view(lock).topIfPresent("x", 3));
    assertThrows(
        CodecException.class, () -> storage.view(lock).byScoreIfPresent("x", 0, 10));
  }

  @Test
  void aCodecDecodingToNullIsACodecExceptionNotAMissingValue() {
    SortedSetStorage<String> storage = SortedSetStorage.of(ThirdPartyCodecs.nulls());
    redis.zadd("foreign:x", 1, "anything");
    byte[] key = "foreign:x".getBytes(StandardCharsets.UTF_8);
    assertThrows(CodecException.class, () -> storage.read(redis, key));
  }
}
