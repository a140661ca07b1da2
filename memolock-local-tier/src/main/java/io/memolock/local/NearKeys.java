package io.memolock.local;

import io.memolock.internal.SchemePrefixes;
import io.memolock.spi.KeyScheme;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The keys of one tag as the local tier sees them: the near cache's key of an id, the Redis keys of
 * its value and of its recorded computation time, and the tracking prefix that every value key of
 * the tag starts with (found by probing the key scheme). Immutable, so thread-safe.
 */
final class NearKeys {
  private final String tag;
  private final KeyScheme keyScheme;
  private final String prefix;
  /** Whether every value key is {@code prefix + id}: then the near cache is keyed by id. */
  private final boolean prefixPlusId;
  /** Whether the computation time's key is the value key plus a suffix (in its hash slot). */
  private final boolean deltaInValueSlot;

  /**
   * @param deltaInValueSlot on a Redis Cluster: the computation time's key is {@code <value
   *     key>/xfetch}, which holds the value key's hash tag and so falls in its slot
   */
  NearKeys(KeyScheme keyScheme, String tag, boolean deltaInValueSlot) {
    this.tag = tag;
    this.deltaInValueSlot = deltaInValueSlot;
    this.keyScheme = keyScheme;
    this.prefix = commonPrefix(keyScheme, tag);
    this.prefixPlusId = isPrefixPlusId(keyScheme, tag, prefix);
  }

  /** @return the tracking prefix: every value key of the tag starts with it */
  String prefix() {
    return prefix;
  }

  /**
   * The near cache's key of an id: the id itself when value keys are {@code prefix + id} (a near
   * hit then computes no key), else the value key.
   */
  String nearKey(String id) {
    Objects.requireNonNull(id, "id");
    return prefixPlusId ? id : keyScheme.keys(tag, id).value();
  }

  /**
   * @return whether a value under this near key may be kept near: its Redis key is under the
   *     tracking prefix, so its invalidations arrive
   */
  boolean tracked(String nearKey) {
    return prefixPlusId || nearKey.startsWith(prefix);
  }

  /** @return the Redis key of the id's value */
  String valueKey(String id) {
    return prefixPlusId ? prefix + id : keyScheme.keys(tag, id).value();
  }

  /** @return the Redis key of the id's recorded computation time, for early refresh */
  String deltaKey(String id) {
    if (deltaInValueSlot) {
      return valueKey(id) + "/xfetch";
    }
    return keyScheme.keys(tag + "/xfetch", id).value();
  }

  /** @return the near key of a Redis key named in an invalidation, or null if not this tag's */
  @Nullable String nearKeyOf(String redisKey) {
    if (!redisKey.startsWith(prefix)) {
      return null;
    }
    return prefixPlusId ? redisKey.substring(prefix.length()) : redisKey;
  }

  private static boolean isPrefixPlusId(KeyScheme scheme, String tag, String prefix) {
    for (String probe : List.of("a", "b", "ab", "0", "\u00e9", "{x}", ":", "x/lock:y")) {
      if (!scheme.keys(tag, probe).value().equals(prefix + probe)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The prefix shared by the value keys of the tag, found by probing the key scheme: the tracking
   * prefix. A key that does not start with it (a scheme that puts the id first) is not cached near.
   */
  static String commonPrefix(KeyScheme scheme, String tag) {
    return SchemePrefixes.common(scheme, tag, KeyScheme.Keys::value);
  }
}
