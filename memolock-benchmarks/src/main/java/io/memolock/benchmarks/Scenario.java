package io.memolock.benchmarks;

/**
 * A scenario of the load runner: how many instances and threads ask for which ids, and how long a
 * computation takes. The scenarios themselves are listed in {@link Scenarios}.
 *
 * @param name short name
 * @param title description for the report
 * @param instances service instances, each with its own Redis client
 * @param threads virtual threads in all (thread k uses instance k mod instances)
 * @param requests requests in all
 * @param ids distinct ids the requests are drawn from
 * @param draw how ids are drawn: "one" (always id 0), "zipf" (Zipf, s = 1.0) or "uniform"
 * @param computeMicros the computation's duration
 * @param prewarmed whether every id's value is cached before the timed part
 */
record Scenario(
    String name,
    String title,
    int instances,
    int threads,
    int requests,
    int ids,
    String draw,
    long computeMicros,
    boolean prewarmed) {

  /** @return the same scenario with threads and ids scaled by f, requests by f squared */
  Scenario scaled(double f) {
    return new Scenario(
        name,
        title + " (scaled by " + f + ")",
        instances,
        Math.max(instances, (int) (threads * f)),
        Math.max(instances, (int) (requests * f * f)),
        Math.max(1, (int) (ids * f)),
        draw,
        computeMicros,
        prewarmed);
  }
}
