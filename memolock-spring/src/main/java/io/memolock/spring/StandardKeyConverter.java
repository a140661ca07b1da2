package io.memolock.spring;

import java.lang.reflect.Field;
import java.time.temporal.TemporalAccessor;
import java.util.HexFormat;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.interceptor.SimpleKey;

/**
 * {@link CacheKeyConverter#standard()}: the documented mapping. Stateless and thread-safe; the
 * {@code SimpleKey} parameters are read through its private field (Spring offers no accessor), found once.
 */
final class StandardKeyConverter implements CacheKeyConverter {
  static final StandardKeyConverter INSTANCE = new StandardKeyConverter();
  private static final System.Logger LOG = System.getLogger(StandardKeyConverter.class.getName());
  private static final @Nullable Field PARAMS = paramsField();

  private StandardKeyConverter() {}

  @Override
  public String toId(Object key) {
    if (key instanceof SimpleKey simple) {
      return simpleKey(simple);
    }
    return escapeTop(text(key));
  }

  private static String text(Object key) {
    return switch (key) {
      case CharSequence s -> s.toString();
      case Enum<?> e -> e.name();
      case Number n -> n.toString();
      case Boolean b -> b.toString();
      case Character c -> c.toString();
      case UUID u -> u.toString();
      case TemporalAccessor t -> t.toString();
      default -> {
        if (!overridesToString(key.getClass())) {
          throw new IllegalArgumentException(
              "a cache key of "
                  + key.getClass().getName()
                  + " has no stable text (its class does not override toString()): configure a"
                  + " CacheKeyConverter");
        }
        yield key.toString();
      }
    };
  }

  private static String simpleKey(SimpleKey key) {
    Object[] params = params(key);
    StringBuilder id = new StringBuilder("[");
    for (int i = 0; i < params.length; i++) {
      if (i > 0) {
        id.append(',');
      }
      Object p = params[i];
      String part = p == null ? "\\0" : p instanceof SimpleKey nested ? simpleKey(nested) : escapeTop(text(p));
      if (p instanceof SimpleKey) {
        id.append(part);
        continue;
      }
      for (int c = 0; c < part.length(); c++) {
        char ch = part.charAt(c);
        if (ch == '\\' || ch == ',' || ch == '[' || ch == ']') {
          id.append('\\');
        }
        id.append(ch);
      }
    }
    return id.append(']').toString();
  }

  /** The rule for a text at the top: empty, leading {@code \} or {@code [}, malformed. */
  static String escapeTop(String text) {
    if (!wellFormed(text)) {
      StringBuilder hex = new StringBuilder("\\u");
      HexFormat f = HexFormat.of();
      for (int i = 0; i < text.length(); i++) {
        hex.append(f.toHexDigits(text.charAt(i)));
      }
      return hex.toString();
    }
    if (text.isEmpty() || text.charAt(0) == '\\' || text.charAt(0) == '[') {
      return "\\" + text;
    }
    return text;
  }

  private static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean overridesToString(Class<?> type) {
    try {
      return type.getMethod("toString").getDeclaringClass() != Object.class;
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("every class has toString()", e);
    }
  }

  private static Object[] params(SimpleKey key) {
    if (PARAMS == null) {
      throw new IllegalArgumentException(
          "cannot read the parameters of a SimpleKey in this Spring version: configure a CacheKeyConverter");
    }
    try {
      return (Object[]) PARAMS.get(key);
    } catch (IllegalAccessException e) {
      throw new IllegalArgumentException("cannot read the parameters of " + key, e);
    }
  }

  private static @Nullable Field paramsField() {
    try {
      Field f = SimpleKey.class.getDeclaredField("params");
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "SimpleKey's parameters cannot be read; SimpleKeys with several"
          + " parameters need a CacheKeyConverter: " + e);
      return null;
    }
  }
}
