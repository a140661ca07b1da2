package io.memolock.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.ObjectName;

/**
 * The live heap of this JVM by class, from the {@code GC.class_histogram} diagnostic command (which
 * collects first, so only reachable objects count), and the difference between two of them: where
 * the bytes of a measured state go. Immutable.
 *
 * @param bytes bytes per class name
 * @param instances instances per class name
 */
record HeapHistogram(Map<String, Long> bytes, Map<String, Long> instances) {

  /** @return the live heap now, by class */
  static HeapHistogram take() throws Exception {
    String text =
        (String)
            ManagementFactory.getPlatformMBeanServer()
                .invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram",
                    new Object[] {new String[0]},
                    new String[] {String[].class.getName()});
    Map<String, Long> bytes = new HashMap<>();
    Map<String, Long> instances = new HashMap<>();
    for (String line : text.split("\n")) {
      // "   1:        123456       7890123  [B (java.base@25)"
      String[] f = line.strip().split("\\s+");
      if (f.length < 4 || !f[0].endsWith(":")) {
        continue;
      }
      try {
        instances.merge(f[3], Long.parseLong(f[1]), Long::sum);
        bytes.merge(f[3], Long.parseLong(f[2]), Long::sum);
      } catch (NumberFormatException e) {
        // the header or the total line
      }
    }
    return new HeapHistogram(bytes, instances);
  }

  /** @return heap used after a full collection, in bytes */
  static long usedAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /**
   * The classes that grew most since {@code before}, per unit of {@code per}.
   *
   * @param before the earlier histogram
   * @param per how many units (e.g. waiting ids) the growth is shared by
   * @param top how many classes to list
   * @return one line per class: bytes per unit, instances per unit, class
   */
  String growthSince(HeapHistogram before, int per, int top) {
    record Row(String name, long bytes, long instances) {}
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, Long> e : bytes.entrySet()) {
      long grew = e.getValue() - before.bytes.getOrDefault(e.getKey(), 0L);
      long more =
          instances.getOrDefault(e.getKey(), 0L) - before.instances.getOrDefault(e.getKey(), 0L);
      rows.add(new Row(e.getKey(), grew, more));
    }
    rows.sort((a, b) -> Long.compare(b.bytes, a.bytes));
    StringBuilder out = new StringBuilder();
    long total = 0;
    for (Row r : rows) {
      total += r.bytes;
    }
    out.append(String.format(Locale.ROOT, "  %8s %8s  %s%n", "B/unit", "obj/unit", "class"));
    for (Row r : rows.subList(0, Math.min(top, rows.size()))) {
      out.append(
          String.format(
              Locale.ROOT,
              "  %8.1f %8.2f  %s%n",
              r.bytes / (double) per,
              r.instances / (double) per,
              r.name));
    }
    out.append(String.format(Locale.ROOT, "  %8.1f %8s  (all classes)%n", total / (double) per, ""));
    return out.toString();
  }
}
