package io.memolock.benchmarks;

import java.util.List;

/** The load runner's scenarios (issue "The demo and the benchmarks"), in report order. */
final class Scenarios {
  private Scenarios() {}

  static final List<Scenario> ALL =
      List.of(
          new Scenario(
              "hot-hit",
              "64 virtual threads x 5,000 gets of one cached key, 1 instance",
              1, 64, 64 * 5_000, 1, "one", 0, true),
          new Scenario(
              "hot-hit-spread",
              "64 virtual threads x 5,000 gets spread uniformly over 10,000 cached keys, 1 instance"
                  + " (no two concurrent requests share a key, so no in-JVM coalescing)",
              1, 64, 64 * 5_000, 10_000, "uniform", 0, true),
          new Scenario(
              "cold-stampede",
              "4 instances x 250 virtual threads, one cold key, 100 ms computation",
              4, 1_000, 1_000, 1, "one", 100_000, false),
          new Scenario(
              "many-keys",
              "2 instances, 200 virtual threads, 20,000 requests over 2,000 ids (Zipf s=1.0),"
                  + " 1 ms computation",
              2, 200, 20_000, 2_000, "zipf", 1_000, false));

  /**
   * @param name a scenario's name
   * @return that scenario
   * @throws IllegalArgumentException if there is none of that name
   */
  static Scenario named(String name) {
    return ALL.stream()
        .filter(s -> s.name().equals(name.strip()))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown scenario " + name));
  }
}
