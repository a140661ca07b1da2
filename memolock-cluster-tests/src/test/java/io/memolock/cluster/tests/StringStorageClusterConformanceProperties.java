package io.memolock.cluster.tests;

import io.memolock.redis.strings.StringStorage;
import io.memolock.spi.KeyScheme;
import io.memolock.spi.Storage;
import io.memolock.storage.conformance.PartialRead;
import io.memolock.storage.conformance.StorageConformance;
import io.memolock.storage.conformance.Texts;
import io.memolock.testkit.TestRedisCluster;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import redis.clients.jedis.UnifiedJedis;

/**
 * The storage conformance suite for {@link StringStorage} on a real Redis Cluster, through
 * default-configured {@code RedisClusterClient}s (so the cluster key scheme and the sharded
 * protocol, chosen by the client type).
 */
class StringStorageClusterConformanceProperties extends StorageConformance<String> {

  @Override
  protected UnifiedJedis newClient() {
    return TestRedisCluster.shared().newClient();
  }

  @Override
  protected KeyScheme keyScheme() {
    return KeyScheme.cluster();
  }

  /** Ids whose value keys share a slot, so that one MGET may read them on a cluster. */
  @Override
  protected List<String> idsReadTogether(int count) {
    return ClusterConformance.idsInOneSlot(count, () -> newId(), id -> keys(id).value());
  }

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
