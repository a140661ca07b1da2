package io.memolock.storage.conformance;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memolock.Computation;
import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.spi.KeyScheme;
import io.memolock.spi.Storage;
import io.memolock.testkit.HostileBytes;
import io.memolock.testkit.TestRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;

/**
 * What {@link StorageConformance} is built on: the hooks a storage module implements (its values,
 * partial reads and the ways to damage its layout), the two MemoLock instances every property runs
 * (as two processes would), and the helpers the properties share. Storage modules extend {@link
 * StorageConformance}, not this class. Not thread-safe: jqwik runs one try at a time.
 *
 * @param <V> the storage's value type; its {@code equals} must compare contents
 */
public abstract class ConformanceFixture<V> {
  ConformanceFixture() {}

  /** The tag of every resource the suite creates. */
  protected static final String TAG = "conformance";

  static final Duration TIMEOUT = Duration.ofSeconds(10);
  static final AtomicLong IDS = new AtomicLong();

  final List<AutoCloseable> opened = new ArrayList<>();
  @Nullable UnifiedJedis admin;
  @Nullable MemoLock<V> first;
  @Nullable MemoLock<V> second;

  // ------------------------------------------------------------------ what a storage provides

  /** @return a new storage under test */
  protected abstract Storage<V> storage();

  /** @return arbitrary values, empty ones included now and then */
  protected abstract Arbitrary<V> values();

  /** @return the empty value (empty text, map or set), which must stay distinct from absent */
  protected abstract V emptyValue();

  /**
   * @return the storage's partial reads, with arbitrary parameters; a storage without any returns
   *     a whole-value read through {@link MemoLock#readIfPresent}
   */
  protected abstract Arbitrary<PartialRead<V, ?>> partialReads();

  /**
   * Writes, at {@code key}, a Redis type this storage does not use (for example a String where a
   * Hash is expected).
   *
   * @param redis the client
   * @param key the value key
   */
  protected abstract void writeWrongType(UnifiedJedis redis, byte[] key);

  /**
   * Writes, at {@code key}, data of the right Redis type that the storage cannot decode (bytes
   * the codec rejects, a layout marker missing, ...).
   *
   * @param redis the client
   * @param key the value key
   */
  protected abstract void writeCorrupt(UnifiedJedis redis, byte[] key);

  /**
   * Writes, at {@code key}, data of the right Redis type holding {@code bytes} where the codec's
   * output goes (a String's bytes, a hash field's name and value, a sorted set member), as a
   * foreign writer could.
   *
   * @param redis the client
   * @param key the value key
   * @param bytes arbitrary bytes
   */
  protected abstract void writeHostile(UnifiedJedis redis, byte[] key, byte[] bytes);

  /**
   * @return arbitrary and adversarial bytes for {@link #writeHostile}; by default {@link
   *     HostileBytes} made from parts of this storage's encodings of {@link #values()}
   */
  protected Arbitrary<byte[]> hostileBytes() {
    return HostileBytes.from(
        net.jqwik.api.Combinators.combine(values(), Arbitraries.integers().between(0, 999))
            .as(
                (value, i) -> {
                  List<byte[]> args = storage().encode(value).args();
                  return args.get(i % args.size());
                }));
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * A new client of the Redis the suite runs on; the suite closes it. By default a client of {@link
   * TestRedis#shared()}; a cluster run returns a {@code RedisClusterClient} of a real cluster.
   *
   * @return a new client
   */
  protected UnifiedJedis newClient() {
    return TestRedis.shared().newClient();
  }

  /**
   * @return the key scheme the suite's MemoLocks use (the default on {@link #newClient()}'s kind of
   *     client): classic by default
   */
  protected KeyScheme keyScheme() {
    return KeyScheme.classic();
  }

  /**
   * @param count how many
   * @return fresh ids whose value keys a batched read may read together: any on a standalone
   *     Redis; a cluster run returns ids whose keys share a hash slot
   */
  protected List<String> idsReadTogether(int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(newId());
    }
    return ids;
  }

  MemoLock<V> newMemoLock(UnifiedJedis client) {
    return MemoLock.builder(client, storage()).tag(TAG).lockTimeout(Duration.ofSeconds(5)).build();
  }

  <T extends AutoCloseable> T track(T closeable) {
    opened.add(closeable);
    return closeable;
  }

  // ------------------------------------------------------------------ helpers

  <R> void assertPartialAgrees(PartialRead<V, R> partial, String id, V full) {
    assertEquals(
        Optional.of(partial.project(full)),
        partial.ifPresent(second(), id),
        () -> partial + " of " + full);
    assertEquals(
        Optional.of(partial.project(full)),
        partial.find(first(), id, TIMEOUT, l -> Computed.absent()),
        () -> partial + " of " + full);
  }

  <R> void assertPartialFinds(
      PartialRead<V, R> partial, MemoLock<V> lock, String id, Computation<V> computation, V value) {
    assertEquals(
        Optional.of(partial.project(value)),
        partial.find(lock, id, TIMEOUT, computation),
        () -> partial + " of " + value);
  }

  static <V> Computation<V> counting(AtomicInteger runs, Computed<V> result) {
    return lease -> {
      runs.incrementAndGet();
      return result;
    };
  }

  /** @return a fresh id, with a character or two that need care in key names */
  protected static String newId() {
    return "id:{" + IDS.incrementAndGet() + "}-" + UUID.randomUUID() + "-ü";
  }

  /**
   * @param id a resource id
   * @return the names of its keys in the suite's key scheme
   */
  protected KeyScheme.Keys keys(String id) {
    return keyScheme().keys(TAG, id);
  }

  /** @return a client for inspecting Redis directly */
  protected final UnifiedJedis admin() {
    return java.util.Objects.requireNonNull(admin, "not in a property");
  }

  MemoLock<V> first() {
    return java.util.Objects.requireNonNull(first, "not in a property");
  }

  MemoLock<V> second() {
    return java.util.Objects.requireNonNull(second, "not in a property");
  }

  /**
   * @param text text
   * @return its UTF-8 bytes
   */
  protected static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
