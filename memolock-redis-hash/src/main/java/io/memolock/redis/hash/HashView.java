package io.memolock.redis.hash;

import io.memolock.Computation;
import io.memolock.MemoLock;
import io.memolock.spi.Codec;
import io.memolock.spi.Storage;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads some fields of a hash without reading (or decoding) the others. Made by {@link
 * HashStorage#view(MemoLock)}. Thread-safe.
 *
 * <p>Example:
 *
 * <pre>{@code
 * HashStorage<String> storage = HashStorage.utf8();
 * MemoLock<Map<String, String>> profiles = MemoLock.builder(redis, storage).tag("profile").build();
 * HashView<String> fields = storage.view(profiles);
 * Optional<String> email =
 *     fields.findFields("kristoff", Set.of("email"), Duration.ofSeconds(5), lease -> loadProfile())
 *         .map(found -> found.get("email"));
 * }</pre>
 *
 * @param <F> the type of a field's value
 */
public final class HashView<F> {
  private final MemoLock<Map<String, F>> memoLock;
  private final HashStorage<F> storage;

  HashView(MemoLock<Map<String, F>> memoLock, HashStorage<F> storage) {
    this.memoLock = memoLock;
    this.storage = storage;
  }

  /**
   * Reads the named fields if Redis has the hash, without computing or waiting: one {@code HMGET}
   * of the marker field and the named fields, nothing else (plus one {@code EXISTS} when the hash
   * is missing, to tell a missing hash from one without the marker).
   *
   * @param id the resource id
   * @param fields the field names
   * @return the named fields the hash has (a field it lacks is left out), or empty when Redis has
   *     no value or holds the resource as absent
   * @throws IllegalArgumentException if a name is the reserved {@link HashStorage#MARKER_FIELD}
   * @throws io.memolock.MemoLockException when Redis fails, the key holds another type, or the
   *     bytes cannot be decoded
   */
  public Optional<Map<String, F>> fieldsIfPresent(String id, Collection<String> fields) {
    List<String> names = names(fields);
    return memoLock.readIfPresent(id, reader(names));
  }

  /**
   * Reads the named fields; on a miss computes (or waits for) the whole hash as {@link
   * MemoLock#find} does, and returns those fields of it. A hit costs one {@code HMGET}.
   *
   * @param id the resource id
   * @param fields the field names
   * @param timeout how long to wait at most, positive
   * @param computation computes the whole map when this caller wins the lock
   * @return the named fields the hash has, or empty when the resource is absent
   * @throws IllegalArgumentException if a name is the reserved {@link HashStorage#MARKER_FIELD}
   * @throws io.memolock.MemoLockException as {@link MemoLock#find} does
   */
  public Optional<Map<String, F>> findFields(
      String id,
      Collection<String> fields,
      Duration timeout,
      Computation<Map<String, F>> computation) {
    List<String> names = names(fields);
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(computation, "computation");
    Optional<Map<String, F>> part = memoLock.readIfPresent(id, reader(names));
    if (part.isPresent()) {
      return part;
    }
    return memoLock.find(id, timeout, computation).map(whole -> select(whole, names));
  }

  private static List<String> names(Collection<String> fields) {
    Objects.requireNonNull(fields, "fields");
    Set<String> unique = new LinkedHashSet<>();
    for (String name : fields) {
      Objects.requireNonNull(name, "a field name");
      if (name.equals(HashStorage.MARKER_FIELD)) {
        throw new IllegalArgumentException("the field name \"\\0memolock\" is reserved");
      }
      if (!wellFormed(name)) {
        throw new IllegalArgumentException("field name with an unpaired surrogate: " + name);
      }
      unique.add(name);
    }
    return List.copyOf(unique);
  }

  private static boolean wellFormed(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private Storage.Reader<Map<String, F>> reader(List<String> names) {
    byte[][] raw = new byte[names.size() + 1][];
    raw[0] = HashStorage.MARKER;
    for (int i = 0; i < names.size(); i++) {
      raw[i + 1] = Codec.utf8().encode(names.get(i));
    }
    return (redis, key) -> {
      List<byte @Nullable []> values = redis.hmget(key, raw);
      byte[] marker = values.get(0);
      if (marker == null) {
        if (redis.exists(key)) {
          HashStorage.checkMarker(null); // a hash, but not in our layout
        }
        return null;
      }
      HashStorage.checkMarker(marker);
      Map<String, F> part = new HashMap<>();
      for (int i = 0; i < names.size(); i++) {
        byte[] bytes = values.get(i + 1);
        if (bytes != null) {
          part.put(names.get(i), storage.decode(names.get(i), bytes));
        }
      }
      return Collections.unmodifiableMap(part);
    };
  }

  private static <F> Map<String, F> select(Map<String, F> whole, List<String> names) {
    Map<String, F> part = new HashMap<>();
    for (String name : names) {
      F value = whole.get(name);
      if (value != null) {
        part.put(name, value);
      }
    }
    return Collections.unmodifiableMap(part);
  }

  @Override
  public String toString() {
    return "HashView[" + memoLock.tag() + "]";
  }
}
