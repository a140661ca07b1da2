package io.memolock.spring;

/**
 * Maps a Spring cache key (the method's parameter, a {@link org.springframework.cache.interceptor.SimpleKey}
 * of several, or whatever a {@code KeyGenerator} produced) to a MemoLock resource id, the {@code I} of
 * the Redis key {@code T:I}. Implementations must be thread-safe and stable: every process sharing a
 * cache must map equal keys to equal ids, today and after a restart, so no identity hash codes.
 *
 * @see #standard()
 */
@FunctionalInterface
public interface CacheKeyConverter {

  /**
   * @param key the cache key, never {@code null}
   * @return a non-empty, well-formed (no unpaired surrogates) id
   * @throws IllegalArgumentException when the key has no stable text form
   */
  String toId(Object key);

  /**
   * The default converter. Its mapping, which is part of the Redis layout and will not change:
   *
   * <ul>
   *   <li>A {@code String} (any {@code CharSequence}) is its own id, so {@code reports:q3} stays readable by
   *       a Go peer or {@code redis-cli}; except that an empty text, or one starting with {@code \} or
   *       {@code [}, gets one more {@code \} in front ({@code ""} becomes {@code \}), and a text with unpaired
   *       surrogates becomes <code>&#92;u</code> followed by its UTF-16 code units in hex (4 digits each).
   *   <li>Numbers, booleans, characters, enums ({@code name()}), {@code UUID}s and {@code java.time} values:
   *       their text, as above.
   *   <li>A {@code SimpleKey} of several parameters: {@code [p1,p2,...]}, each parameter mapped by these rules
   *       with {@code \ , [ ]} inside it escaped by a {@code \}; {@code SimpleKey.EMPTY} is {@code []}.
   *   <li>Any other object whose class overrides {@code toString()} (records do): that text, as for a string.
   *       Other objects are rejected with an {@link IllegalArgumentException}: configure a converter.
   * </ul>
   *
   * <p>So two keys of different types with the same text (the string {@code "42"} and the number {@code
   * 42}) share an entry, as with spring-data-redis's default key conversion; a string can never meet a
   * {@code SimpleKey}, and no id is empty or malformed.
   *
   * @return the standard converter (stateless, thread-safe)
   */
  static CacheKeyConverter standard() {
    return StandardKeyConverter.INSTANCE;
  }
}
