package io.memolock.examples;

import io.memolock.Metrics;
import java.util.Locale;
import java.util.Map;

/** A hand-written JSON writer for flat objects of numbers, strings and nested objects. */
final class Json {
  private final StringBuilder out = new StringBuilder("{");
  private boolean first = true;

  Json put(String name, long value) {
    return raw(name, Long.toString(value));
  }

  Json put(String name, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return raw(name, "null");
    }
    return raw(name, String.format(Locale.ROOT, "%.3f", value));
  }

  Json put(String name, boolean value) {
    return raw(name, Boolean.toString(value));
  }

  Json put(String name, String value) {
    return raw(name, quote(value));
  }

  Json put(String name, Json value) {
    return raw(name, value.toString());
  }

  private Json raw(String name, String json) {
    if (!first) {
      out.append(',');
    }
    first = false;
    out.append(quote(name)).append(':').append(json);
    return this;
  }

  @Override
  public String toString() {
    return out + "}";
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  static Json of(Metrics m) {
    Metrics.Distribution w = m.waitTime();
    return new Json()
        .put("hits", m.hits())
        .put("misses", m.misses())
        .put("computations", m.computations())
        .put("waits", m.waits())
        .put("wakeUps", m.wakeUps())
        .put("timeouts", m.timeouts())
        .put("failures", m.failures())
        .put("takeovers", m.takeovers())
        .put("coalesced", m.coalesced())
        .put(
            "waitTime",
            new Json()
                .put("count", w.count())
                .put("p50Micros", w.p50Micros())
                .put("p99Micros", w.p99Micros())
                .put("maxMicros", w.maxMicros()));
  }

  static Json of(Map<String, Metrics> byTag) {
    Json json = new Json();
    byTag.forEach((tag, m) -> json.put(tag, of(m)));
    return json;
  }
}
