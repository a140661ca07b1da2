package io.memolock.redis.hash;

import io.memolock.spi.Storage;
import io.memolock.storage.conformance.PartialRead;
import io.memolock.storage.conformance.StorageConformance;
import io.memolock.storage.conformance.Texts;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;
import redis.clients.jedis.UnifiedJedis;

/** The storage conformance suite for {@link HashStorage} with UTF-8 fields; partial reads are field reads. */
class HashStorageConformanceProperties extends StorageConformance<Map<String, String>> {
  private static final HashStorage<String> STORAGE = HashStorage.utf8();

  @Override
  protected Storage<Map<String, String>> storage() {
    return STORAGE;
  }

  /** Field names come mostly from a small pool, so that partial reads often hit them. */
  @Override
  protected Arbitrary<Map<String, String>> values() {
    Arbitrary<String> names =
        Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("a", "b", "c", "d", "e")), Tuple.of(1, Texts.unicode(10)))
            .filter(name -> !name.equals(HashStorage.MARKER_FIELD));
    return Arbitraries.maps(names, Texts.unicode(40)).ofMaxSize(12);
  }

  @Override
  protected Map<String, String> emptyValue() {
    return Map.of();
  }

  @Override
  protected Arbitrary<PartialRead<Map<String, String>, ?>> partialReads() {
    return Arbitraries.of("a", "b", "c", "d", "e", "zz", "")
        .set()
        .ofMaxSize(4)
        .map(HashStorageConformanceProperties::fields);
  }

  private static PartialRead<Map<String, String>, ?> fields(Set<String> names) {
    return PartialRead.<Map<String, String>, Map<String, String>>of(
        "fields " + names,
        (lock, id) -> STORAGE.view(lock).fieldsIfPresent(id, names),
        (lock, id, timeout, computation) ->
            STORAGE.view(lock).findFields(id, names, timeout, computation),
        whole -> {
          Map<String, String> part = new HashMap<>(whole);
          part.keySet().retainAll(names);
          return part;
        });
  }

  @Override
  protected void writeWrongType(UnifiedJedis redis, byte[] key) {
    redis.set(key, utf8("a string where a hash belongs"));
  }

  @Override
  protected void writeCorrupt(UnifiedJedis redis, byte[] key) {
    redis.hset(key, HashStorage.MARKER, HashStorage.VERSION);
    redis.hset(key, utf8("name"), new byte[] {(byte) 0xC3, (byte) 0x28});
  }

  /** The bytes as a field's value and as a field's name, in a hash with the layout marker. */
  @Override
  protected void writeHostile(UnifiedJedis redis, byte[] key, byte[] bytes) {
    redis.hset(key, HashStorage.MARKER, HashStorage.VERSION);
    redis.hset(key, utf8("a"), bytes);
    redis.hset(key, bytes, utf8("a name from a foreign writer"));
  }
}
