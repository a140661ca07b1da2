package io.memolock.redis.strings;

import io.memolock.spi.Storage;
import io.memolock.storage.conformance.PartialRead;
import io.memolock.storage.conformance.StorageConformance;
import io.memolock.storage.conformance.Texts;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import redis.clients.jedis.UnifiedJedis;

/**
 * The storage conformance suite for {@link StringStorage} with strict UTF-8. Strings have no
 * partial read of their own: the suite's partial read is the whole value read through {@link
 * io.memolock.MemoLock#readIfPresent}.
 */
class StringStorageConformanceProperties extends StorageConformance<String> {

  @Override
  protected Storage<String> storage() {
    return StringStorage.utf8();
  }

  @Override
  protected Arbitrary<String> values() {
    return Texts.unicode(200);
  }

  @Override
  protected String emptyValue() {
    return "";
  }

  @Override
  protected Arbitrary<PartialRead<String, ?>> partialReads() {
    StringStorage<String> storage = StringStorage.utf8();
    return Arbitraries.just(
        PartialRead.of(
            "whole value through readIfPresent",
            (lock, id) -> lock.readIfPresent(id, storage::read),
            (lock, id, timeout, computation) -> lock.find(id, timeout, computation),
            value -> value));
  }

  @Override
  protected void writeWrongType(UnifiedJedis redis, byte[] key) {
    redis.hset(key, utf8("field"), utf8("a hash where a string belongs"));
  }

  @Override
  protected void writeCorrupt(UnifiedJedis redis, byte[] key) {
    redis.set(key, new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28, (byte) 0xFF});
  }

  @Override
  protected void writeHostile(UnifiedJedis redis, byte[] key, byte[] bytes) {
    redis.set(key, bytes);
  }
}
