package io.memolock.internal;

import io.memolock.spi.KeyScheme;
import java.util.List;
import java.util.function.Function;

/**
 * The literal prefix a key scheme gives every name of one kind for a tag (its value keys, say, or
 * its notification channels), found by probing the scheme with a few ids, some of them awkward
 * (non-ASCII, braces). Used for the local tier's tracking prefix and for the subscriber's channel
 * patterns ({@link ChannelPatterns}). A name of some other id that does not start with it is the
 * caller's to handle (both callers check each name). Stateless, so thread-safe.
 */
public final class SchemePrefixes {
  private static final List<String> PROBES = List.of("a", "b", "ab", "0", "\u00e9", "{x}");

  private SchemePrefixes() {}

  /**
   * @param name which name of a resource's keys ({@code KeyScheme.Keys::value}, ...)
   * @return the prefix the probed names share, possibly empty; never ending in half a surrogate
   *     pair (names are sent as UTF-8)
   * @throws RuntimeException whatever the scheme throws for a probe id
   */
  public static String common(
      KeyScheme scheme, String tag, Function<KeyScheme.Keys, String> name) {
    String prefix = null;
    for (String probe : PROBES) {
      String n = name.apply(scheme.keys(tag, probe));
      if (prefix == null) {
        prefix = n;
      } else {
        int i = 0;
        while (i < prefix.length() && i < n.length() && prefix.charAt(i) == n.charAt(i)) {
          i++;
        }
        prefix = prefix.substring(0, i);
      }
    }
    if (!prefix.isEmpty() && Character.isHighSurrogate(prefix.charAt(prefix.length() - 1))) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    return prefix;
  }
}
