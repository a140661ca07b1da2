package io.memolock.internal;

import io.memolock.spi.KeyScheme;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The Redis names of one resource (tag, id), encoded once: the value key at once (all that a hit
 * needs), the lock, failure key and channels on the first miss. Validates the id. Thread-safe
 * (the lazily made names are immutable; racing threads make equal copies).
 *
 * <p>Kept small, as a waiting id holds one: names that are easily made again (the value key's
 * string, the list of channels) are made when needed, not kept.
 */
final class ResourceKeys {
  final String id;
  final byte[] value;
  private final KeyScheme scheme;
  private final String tag;
  private volatile @Nullable Names names;

  /** The names beyond the value key. */
  record Names(byte[] lock, byte[] failure, String notifyChannel, String failureChannel) {
    /** @return both channels, the notification's first (a new list each time) */
    List<String> channels() {
      return List.of(notifyChannel, failureChannel);
    }
  }

  /**
   * @throws NullPointerException if id is null
   * @throws IllegalArgumentException if id is empty or not well-formed Unicode
   */
  ResourceKeys(KeyScheme scheme, String tag, String id) {
    validateId(id);
    this.scheme = scheme;
    this.tag = tag;
    this.id = id;
    this.value = Bytes.utf8(scheme.valueKey(tag, id));
  }

  Names names() {
    Names n = names;
    if (n == null) {
      KeyScheme.Keys k = scheme.keys(tag, id);
      String valueName = scheme.valueKey(tag, id);
      if (!valueName.equals(k.value())) {
        throw new IllegalStateException(
            "the key scheme names the value key of '"
                + id
                + "' both '"
                + valueName
                + "' (valueKey) and '"
                + k.value()
                + "' (keys): they must agree");
      }
      n =
          new Names(
              Bytes.utf8(k.lock()),
              Bytes.utf8(k.failure()),
              k.notification(),
              k.failure());
      names = n;
    }
    return n;
  }

  byte[] lock() {
    return names().lock();
  }

  byte[] failure() {
    return names().failure();
  }

  /** value, lock, failure key: the KEYS of the protocol's scripts. */
  List<byte[]> all() {
    Names n = names();
    return List.of(value, n.lock(), n.failure());
  }

  static void validateId(String id) {
    Objects.requireNonNull(id, "id");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("id must not be empty");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < id.length()
          && Character.isLowSurrogate(id.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            "id must be well-formed Unicode: unpaired surrogate at index " + i);
      }
    }
  }
}
