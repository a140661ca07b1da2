package io.memolock.spi;

/**
 * The Redis Cluster scheme (see {@link KeyScheme#cluster()}): every name of a resource starts with
 * the hash tag {@code {T:I'}}, where {@code I'} is the id with {@code %} written {@code %25} and
 * {@code }} written {@code %7D}. Stateless and thread-safe.
 *
 * <p>Why the escape: Redis hashes the text between the first {@code {} of a key and the first
 * {@code }} after it. The key starts with {@code {}, so the hash tag ends at the first {@code }}
 * of the id unless it is escaped; an unescaped {@code }} would cut the tag short, and the lock of
 * {@code a}b} would hash as {@code {T:a}}, not with its value. With every {@code }} of the id
 * escaped, the only {@code }} in the tag is the closing one, so the value, lock, failure key and
 * notification channel share one slot. {@code {} needs no escape (it cannot end a hash tag), and
 * escaping {@code %} too keeps the mapping one-to-one: no two ids give the same key.
 */
final class ClusterKeyScheme implements KeyScheme {
  static final ClusterKeyScheme INSTANCE = new ClusterKeyScheme();

  private ClusterKeyScheme() {}

  @Override
  public Keys keys(String tag, String id) {
    String resource = valueKey(tag, id);
    return new Keys(resource, resource + "/lock", resource + "/notif", resource + "/fail");
  }

  @Override
  public String valueKey(String tag, String id) {
    StringBuilder key = new StringBuilder(tag.length() + id.length() + 4);
    key.append('{').append(tag).append(':');
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      switch (c) {
        case '%' -> key.append("%25");
        case '}' -> key.append("%7D");
        default -> key.append(c);
      }
    }
    return key.append('}').toString();
  }

  @Override
  public String toString() {
    return "KeyScheme.cluster()";
  }
}
