package io.memolock.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small SVG writer for the load runner's charts: line charts (linear or logarithmic axes) and
 * grouped bar charts, each a panel with axes, ticks, labels and a legend, placed in a document
 * with {@link #document}. Plain string building; every text is XML-escaped. Stateless, so
 * thread-safe.
 */
final class Svg {
  static final int PANEL_WIDTH = 640;
  static final int PANEL_HEIGHT = 300;
  private static final int LEFT = 70;
  private static final int RIGHT = 170; // the legend
  private static final int TOP = 36;
  private static final int BOTTOM = 52;
  private static final String[] COLOURS = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"
  };

  private Svg() {}

  /**
   * A named series of points.
   *
   * @param name its legend
   * @param xs x values
   * @param ys y values (NaN: no point)
   */
  record Series(String name, double[] xs, double[] ys) {}

  /**
   * An axis.
   *
   * @param label its title
   * @param log whether it is logarithmic (values must be positive; others are left out)
   */
  record Axis(String label, boolean log) {}

  /**
   * @param title the document's title
   * @param panels panels, made by {@link #lineChart} or {@link #barChart}, stacked vertically
   * @return a standalone SVG document
   */
  static String document(String title, List<String> panels) {
    List<String> lines = wrap(title, 80);
    int head = 14 + 18 * lines.size();
    int height = PANEL_HEIGHT * panels.size() + head;
    StringBuilder svg = new StringBuilder();
    svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(PANEL_WIDTH)
        .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(PANEL_WIDTH)
        .append(' ').append(height).append("\" font-family=\"sans-serif\" font-size=\"11\">\n")
        .append("<title>").append(escape(title)).append("</title>\n")
        .append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    for (int i = 0; i < lines.size(); i++) {
      svg.append(text(PANEL_WIDTH / 2.0, 20 + 18 * i, lines.get(i), "middle",
          "font-size=\"14\" font-weight=\"bold\""));
    }
    for (int i = 0; i < panels.size(); i++) {
      svg.append("<g transform=\"translate(0,").append(head + i * PANEL_HEIGHT).append(")\">\n")
          .append(panels.get(i)).append("</g>\n");
    }
    return svg.append("</svg>\n").toString();
  }

  /** @return a panel: one line (with point markers) per series */
  static String lineChart(String title, Axis x, Axis y, List<Series> series) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (Series s : series) {
      for (int i = 0; i < s.xs().length; i++) {
        if (usable(s.xs()[i], x) && usable(s.ys()[i], y)) {
          xs.add(s.xs()[i]);
          ys.add(s.ys()[i]);
        }
      }
    }
    Scale sx = Scale.of(xs, x.log(), LEFT, PANEL_WIDTH - RIGHT, false);
    Scale sy = Scale.of(ys, y.log(), PANEL_HEIGHT - BOTTOM, TOP, !y.log());
    StringBuilder g = new StringBuilder(frame(title, x, y, sx, sy));
    for (int k = 0; k < series.size(); k++) {
      Series s = series.get(k);
      String colour = COLOURS[k % COLOURS.length];
      StringBuilder path = new StringBuilder();
      StringBuilder marks = new StringBuilder();
      for (int i = 0; i < s.xs().length; i++) {
        if (!usable(s.xs()[i], x) || !usable(s.ys()[i], y)) {
          continue;
        }
        double px = sx.at(s.xs()[i]);
        double py = sy.at(s.ys()[i]);
        path.append(path.isEmpty() ? "M" : " L").append(num(px)).append(',').append(num(py));
        marks.append("<circle cx=\"").append(num(px)).append("\" cy=\"").append(num(py))
            .append("\" r=\"3\" fill=\"").append(colour).append("\"><title>")
            .append(escape(s.name() + ": " + label(s.xs()[i]) + ", " + label(s.ys()[i])))
            .append("</title></circle>\n");
      }
      g.append("<g class=\"series\" data-name=\"").append(escape(s.name())).append("\">\n");
      if (!path.isEmpty()) {
        g.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(colour)
            .append("\" stroke-width=\"2\"/>\n");
      }
      g.append(marks).append("</g>\n");
      g.append(legend(k, s.name(), colour));
    }
    return g.toString();
  }

  /**
   * @param groups the categories along x
   * @param series one bar per group each; {@code values[series][group]} (NaN: no bar)
   * @return a panel of grouped bars
   */
  static String barChart(
      String title, List<String> groups, Axis y, List<String> series, double[][] values) {
    List<Double> ys = new ArrayList<>();
    for (double[] row : values) {
      for (double v : row) {
        if (usable(v, y)) {
          ys.add(v);
        }
      }
    }
    if (y.log() && !ys.isEmpty()) {
      // Bars start at the power of ten below the smallest, so their lengths stay comparable.
      double least = ys.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
      ys.add(Math.pow(10, Math.floor(Math.log10(least))) * 1.2);
    }
    Scale sy = Scale.of(ys, y.log(), PANEL_HEIGHT - BOTTOM, TOP, !y.log());
    double width = PANEL_WIDTH - RIGHT - LEFT;
    double slot = width / Math.max(1, groups.size());
    double bar = slot * 0.8 / Math.max(1, series.size());
    StringBuilder g = new StringBuilder(frame(title, new Axis("", false), y, null, sy));
    double base = y.log() ? PANEL_HEIGHT - BOTTOM : sy.at(0);
    for (int j = 0; j < groups.size(); j++) {
      g.append(text(LEFT + slot * (j + 0.5), PANEL_HEIGHT - BOTTOM + 16, groups.get(j), "middle", ""));
    }
    for (int k = 0; k < series.size(); k++) {
      String colour = COLOURS[k % COLOURS.length];
      g.append("<g class=\"series\" data-name=\"").append(escape(series.get(k))).append("\">\n");
      for (int j = 0; j < groups.size(); j++) {
        double v = values[k][j];
        if (!usable(v, y)) {
          continue;
        }
        double top = sy.at(v);
        double left = LEFT + slot * j + slot * 0.1 + bar * k;
        g.append("<rect x=\"").append(num(left)).append("\" y=\"").append(num(Math.min(top, base)))
            .append("\" width=\"").append(num(bar * 0.9)).append("\" height=\"")
            .append(num(Math.abs(base - top))).append("\" fill=\"").append(colour)
            .append("\"><title>").append(escape(series.get(k) + ", " + groups.get(j) + ": " + label(v)))
            .append("</title></rect>\n");
      }
      g.append("</g>\n").append(legend(k, series.get(k), colour));
    }
    return g.toString();
  }

  /** The panel's title, axes, grid lines, ticks and tick labels. */
  private static String frame(String title, Axis x, Axis y, Scale sx, Scale sy) {
    StringBuilder g = new StringBuilder();
    int bottom = PANEL_HEIGHT - BOTTOM;
    int right = PANEL_WIDTH - RIGHT;
    g.append(text(LEFT, TOP - 12, title, "start", "font-weight=\"bold\""));
    for (double t : sy.ticks()) {
      double py = sy.at(t);
      g.append(line(LEFT, py, right, py, "#e0e0e0"))
          .append(text(LEFT - 6, py + 4, label(t), "end", ""));
    }
    if (sx != null) {
      for (double t : sx.ticks()) {
        double px = sx.at(t);
        g.append(line(px, TOP, px, bottom, "#e0e0e0"))
            .append(line(px, bottom, px, bottom + 5, "black"))
            .append(text(px, bottom + 17, label(t), "middle", ""));
      }
    }
    g.append(line(LEFT, bottom, right, bottom, "black")).append(line(LEFT, TOP, LEFT, bottom, "black"));
    g.append(text((LEFT + right) / 2.0, PANEL_HEIGHT - 14, x.label() + (x.log() && sx != null ? " (log scale)" : ""),
        "middle", ""));
    g.append("<text transform=\"translate(16,").append((TOP + bottom) / 2).append(") rotate(-90)\""
            + " text-anchor=\"middle\">")
        .append(escape(y.label() + (y.log() ? " (log scale)" : ""))).append("</text>\n");
    return g.toString();
  }

  /** @return the text cut into lines of at most about {@code width} characters, at spaces */
  static List<String> wrap(String s, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : s.split(" ")) {
      if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      line.append(line.isEmpty() ? "" : " ").append(word);
    }
    lines.add(line.toString());
    return lines;
  }

  private static String legend(int k, String name, String colour) {
    double y = TOP + 8 + k * 18;
    double x = PANEL_WIDTH - RIGHT + 14;
    return "<rect x=\"" + num(x) + "\" y=\"" + num(y - 8) + "\" width=\"12\" height=\"10\" fill=\""
        + colour + "\"/>\n" + text(x + 18, y + 1, name, "start", "");
  }

  private static String line(double x1, double y1, double x2, double y2, String colour) {
    return "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\""
        + num(y2) + "\" stroke=\"" + colour + "\"/>\n";
  }

  private static String text(double x, double y, String s, String anchor, String extra) {
    return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\""
        + (extra.isEmpty() ? "" : " " + extra) + ">" + escape(s) + "</text>\n";
  }

  /** @return the text with {@code & < > " '} escaped (and control characters dropped) */
  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> {
          if (c >= 0x20 || c == '\n' || c == '\t') {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** @return a tick or value label: 1k, 100k, 2.5, 0.05 */
  static String label(double v) {
    double a = Math.abs(v);
    if (a >= 1e6 && a % 1e5 == 0) {
      return trim(v / 1e6) + "M";
    }
    if (a >= 1e3 && a % 100 == 0) {
      return trim(v / 1e3) + "k";
    }
    if (a >= 100 || a == 0) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return trim(Double.parseDouble(String.format(Locale.ROOT, "%.3g", v)));
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.4f", v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static boolean usable(double v, Axis axis) {
    return Double.isFinite(v) && (!axis.log() || v > 0);
  }

  /** Data to pixels on one axis, with its ticks. */
  private record Scale(double min, double max, boolean log, double from, double to) {
    static Scale of(List<Double> values, boolean log, double from, double to, boolean fromZero) {
      double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(log ? 1 : 0);
      double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(log ? 10 : 1);
      if (log) {
        // Tight around the data (a fifth of a step of 1-2-5 beyond each end), not whole decades.
        min = min / 1.2;
        max = max * 1.2;
        if (max / min < 3) {
          double mid = Math.sqrt(min * max);
          min = mid / 1.8;
          max = mid * 1.8;
        }
      } else {
        if (fromZero) {
          min = Math.min(0, min);
        }
        if (max <= min) {
          max = min + 1;
        }
        double step = step(min, max);
        min = Math.floor(min / step) * step;
        max = Math.ceil(max / step) * step;
      }
      return new Scale(min, max, log, from, to);
    }

    double at(double v) {
      double f = log ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))
          : (v - min) / (max - min);
      return from + f * (to - from);
    }

    List<Double> ticks() {
      List<Double> ticks = new ArrayList<>();
      if (log) {
        // 1, 2 and 5 times each power of ten inside the range (only the powers over 3 decades).
        boolean fine = max / min <= 1_000;
        for (double d = Math.pow(10, Math.floor(Math.log10(min))); d <= max; d *= 10) {
          for (double m : fine ? new double[] {1, 2, 5} : new double[] {1}) {
            double t = Double.parseDouble(String.format(Locale.ROOT, "%.6g", d * m));
            if (t >= min && t <= max) {
              ticks.add(t);
            }
          }
        }
      } else {
        double step = step(min, max);
        for (double t = min; t <= max + step / 1e6; t += step) {
          ticks.add(Math.abs(t) < step / 1e6 ? 0 : t);
        }
      }
      return ticks;
    }

    /** A step of 1, 2 or 5 times a power of ten giving about five ticks. */
    private static double step(double min, double max) {
      double raw = (max - min) / 5;
      double p = Math.pow(10, Math.floor(Math.log10(raw)));
      double m = raw / p;
      return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
    }
  }
}
