package io.memolock.spring;

import io.memolock.MemoLockException;
import io.memolock.spi.KeyScheme;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * What a cache does to Redis beside its MemoLock, through MemoLock's documented layout
 * (docs/storage-layouts.md): reading and writing a cached absence ({@code T/fail:I = "\0absent"}),
 * deleting one entry, and deleting the whole tag in bounded {@code SCAN} batches. Thread-safe
 * (stateless beyond its immutable names).
 */
final class CacheKeys {
  /** The failure key's content for a resource cached as absent (docs/storage-layouts.md). */
  static final byte[] ABSENT = "\0absent".getBytes(StandardCharsets.UTF_8);
  /** How many keys one {@code SCAN} asks for, and the most one {@code UNLINK} deletes. */
  static final int BATCH = 500;
  private static final String MARK = "\u0001id\u0001";
  private static final String ABSENT_SCRIPT =
      """
      redis.call('DEL', KEYS[1])
      redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
      redis.call('PUBLISH', KEYS[2], ARGV[1])
      return 1
      """;

  private final UnifiedJedis redis;
  private final KeyScheme scheme;
  private final String tag;

  CacheKeys(UnifiedJedis redis, KeyScheme scheme, String tag) {
    this.redis = redis;
    this.scheme = scheme;
    this.tag = tag;
  }

  /** @return whether Redis holds {@code id} as a cached absence */
  boolean absent(String id) {
    String failure = scheme.keys(tag, id).failure();
    return call(id, () -> Arrays.equals(ABSENT, redis.get(bytes(failure))));
  }

  /**
   * Stores an absence as a producer does (docs/storage-layouts.md): one script deletes the value,
   * sets the failure key to {@code "\0absent"} for {@code ttlMillis} and announces it on the
   * failure channel, so waiters in every process wake with "absent".
   */
  void putAbsent(String id, long ttlMillis) {
    KeyScheme.Keys keys = scheme.keys(tag, id);
    call(
        id,
        () ->
            redis.eval(
                bytes(ABSENT_SCRIPT),
                List.of(bytes(keys.value()), bytes(keys.failure())),
                List.of(ABSENT, bytes(Long.toString(ttlMillis)))));
  }

  /** Deletes the value and a cached absence of {@code id}; @return whether either existed */
  boolean delete(String id) {
    KeyScheme.Keys keys = scheme.keys(tag, id);
    return call(id, () -> redis.del(keys.value(), keys.failure()) > 0);
  }

  /**
   * Deletes every value, cached absence and XFetch delta key of the tag: {@code SCAN MATCH} for
   * each of the three patterns, {@value #BATCH} keys at a time, each batch deleted with one {@code
   * UNLINK}. Never {@code KEYS} nor {@code FLUSHDB}; locks are left alone, so a computation in
   * progress still stores its value.
   *
   * @return how many keys were deleted
   */
  long clear() {
    long deleted = 0;
    for (String pattern :
        List.of(
            pattern(scheme.valueKey(tag, MARK)),
            pattern(scheme.keys(tag, MARK).failure()),
            pattern(scheme.valueKey(tag + "/xfetch", MARK)))) {
      deleted += clear(pattern);
    }
    return deleted;
  }

  private long clear(String pattern) {
    ScanParams params = new ScanParams().match(pattern).count(BATCH);
    String cursor = ScanParams.SCAN_POINTER_START;
    long deleted = 0;
    do {
      String from = cursor;
      ScanResult<String> page = call(null, () -> redis.scan(from, params));
      List<String> keys = new ArrayList<>(page.getResult());
      for (int i = 0; i < keys.size(); i += BATCH) {
        List<String> batch = keys.subList(i, Math.min(keys.size(), i + BATCH));
        deleted += call(null, () -> redis.unlink(batch.toArray(String[]::new)));
      }
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return deleted;
  }

  /**
   * A {@code SCAN MATCH} pattern for one of the tag's names: the name of a marker id with the
   * marker replaced by {@code *} and every glob character around it escaped.
   *
   * @throws UnsupportedOperationException when the key scheme does not embed the id as it is
   */
  private String pattern(String nameOfMarker) {
    int at = nameOfMarker.indexOf(MARK);
    if (at < 0 || nameOfMarker.indexOf(MARK, at + 1) >= 0) {
      throw new UnsupportedOperationException(
          "clear() needs a key scheme that embeds the id once, as it is: " + scheme);
    }
    return escapeGlob(nameOfMarker.substring(0, at)) + "*" + escapeGlob(nameOfMarker.substring(at + MARK.length()));
  }

  static String escapeGlob(String text) {
    StringBuilder out = new StringBuilder(text.length() + 4);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private <T> T call(@Nullable String id, Supplier<T> command) {
    try {
      return command.get();
    } catch (redis.clients.jedis.exceptions.JedisException e) {
      throw new MemoLockException(tag, id, "Redis failed: " + e.getMessage(), e);
    }
  }
}
