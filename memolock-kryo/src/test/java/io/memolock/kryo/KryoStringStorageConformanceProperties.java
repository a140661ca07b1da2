package io.memolock.kryo;

import io.memolock.redis.strings.StringStorage;
import io.memolock.spi.Storage;
import io.memolock.storage.conformance.PartialRead;
import io.memolock.storage.conformance.StorageConformance;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import redis.clients.jedis.UnifiedJedis;

/**
 * The storage conformance suite with Kryo-encoded records in Redis Strings: the codec's foreign and
 * corrupt bytes surface as CodecExceptions through a real MemoLock.
 */
class KryoStringStorageConformanceProperties extends StorageConformance<Profile> {
  private static final StringStorage<Profile> STORAGE = StringStorage.of(KryoCodecTest.CODEC);

  @Override
  protected Storage<Profile> storage() {
    return STORAGE;
  }

  @Override
  protected Arbitrary<Profile> values() {
    return KryoCodecProperties.profiles();
  }

  @Override
  protected Profile emptyValue() {
    return new Profile("", 0, List.of(), Map.of(), null);
  }

  @Override
  protected Arbitrary<PartialRead<Profile, ?>> partialReads() {
    return Arbitraries.just(
        PartialRead.of(
            "whole value through readIfPresent",
            (lock, id) -> lock.readIfPresent(id, STORAGE::read),
            (lock, id, timeout, computation) -> lock.find(id, timeout, computation),
            value -> value));
  }

  @Override
  protected void writeWrongType(UnifiedJedis redis, byte[] key) {
    redis.rpush(key, utf8("a list where a string belongs"));
  }

  /** Text a classic peer might have written: not Kryo bytes at all. */
  @Override
  protected void writeCorrupt(UnifiedJedis redis, byte[] key) {
    redis.set(key, utf8("{\"name\":\"written by a Go peer\"}"));
  }

  @Override
  protected void writeHostile(UnifiedJedis redis, byte[] key, byte[] bytes) {
    redis.set(key, bytes);
  }

  /** Also past the header: most variants carry a valid CRC-32C, and issue 10's nested lists. */
  @Override
  protected Arbitrary<byte[]> hostileBytes() {
    return KryoHostileBytesProperties.hostile(
        KryoCodecProperties.profiles().map(KryoCodecTest.CODEC::encode));
  }
}
