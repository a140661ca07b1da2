package io.memolock.storage.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.CodecException;
import io.memolock.MemoLock;
import io.memolock.spi.KeyScheme;
import io.memolock.spi.Storage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import redis.clients.jedis.UnifiedJedis;

/**
 * The checks of {@link StorageConformance}'s hostile-bytes property: every decode path of a
 * storage (a whole read, a batched read, a notification payload, a MemoLock's read, a partial
 * read) turns bytes written by a foreign writer into a value or a {@link CodecException}, nothing
 * else, and leaves Redis as it was. Stateless and thread-safe.
 */
final class HostileReads {
  private HostileReads() {}

  /**
   * @param storage the storage under test
   * @param admin a client
   * @param keys the keys of the resource holding the hostile bytes (written in the storage's layout)
   * @param bytes the hostile bytes, also tried as a notification payload
   * @param lock a MemoLock on the storage
   * @param id the resource id
   * @param partial one of the storage's partial reads
   * @param <V> the value type
   */
  static <V> void readAsAValueOrACodecException(
      Storage<V> storage,
      UnifiedJedis admin,
      KeyScheme.Keys keys,
      byte[] bytes,
      MemoLock<V> lock,
      String id,
      PartialRead<V, ?> partial) {
    byte[] key = keys.value().getBytes(StandardCharsets.UTF_8);
    byte[] before = admin.dump(key);
    valueOrCodecException("read", () -> storage.read(admin, key));
    if (storage.readsInBatches()) {
      valueOrCodecException("readAll", () -> storage.readAll(admin, List.of(key, key)));
    }
    valueOrCodecException("fromNotification", () -> storage.fromNotification(bytes));
    valueOrCodecException("getIfPresent", () -> lock.getIfPresent(id));
    valueOrCodecException(partial.toString(), () -> partial.ifPresent(lock, id));
    assertArrayEquals(before, admin.dump(key), "Redis is left as it was");
    assertFalse(admin.exists(keys.lock()), "no lock was taken");
  }

  /** Runs a read; any throwable but a CodecException fails the property, with its stack. */
  private static void valueOrCodecException(String what, Supplier<?> read) {
    try {
      read.get();
    } catch (CodecException e) {
      String message = e.getMessage();
      assertTrue(message != null && !message.isBlank(), what + ": a CodecException says why");
    }
  }
}
