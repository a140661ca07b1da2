package io.memolock.examples;

import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.redis.strings.StringStorage;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import redis.clients.jedis.RedisClient;

/**
 * The stampede mode: N MemoLock instances, each with its own default-configured Redis client (as N
 * service instances would have), and M virtual threads per instance, all asking at once for one
 * cold key whose computation takes {@code --compute-ms}. Prints a progress line while it runs, a
 * summary table, and finally one JSON line.
 */
public final class Stampede {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final long RUN_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(60);

  private Stampede() {}

  /**
   * The outcome of a run.
   *
   * @param requests requests made
   * @param computations computations that ran (in all instances)
   * @param errors requests that failed
   * @param json the final JSON line
   */
  public record Result(int requests, int computations, int errors, String json) {}

  /**
   * Runs the stampede against {@code config.redis()}.
   *
   * @param config instances, threads, computation time and Redis
   * @param out where the summary table and the JSON line go (the JSON line is the last line)
   * @param progress where the progress line goes
   * @return the outcome
   * @throws InterruptedException if interrupted while waiting for the requests
   */
  public static Result run(Config config, PrintStream out, PrintStream progress)
      throws InterruptedException {
    int instances = config.instances();
    int threadsPer = config.threads();
    int requests = instances * threadsPer;
    String tag = "stampede";
    String id = "cold-" + UUID.randomUUID();
    long computeMillis = config.computeMillis();

    List<RedisClient> clients = new ArrayList<>();
    List<MemoLock<String>> locks = new ArrayList<>();
    AtomicInteger computations = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    AtomicReference<String> firstError = new AtomicReference<>();
    AtomicLong computationEnd = new AtomicLong(Long.MAX_VALUE);
    long[] latencies = new long[requests];
    long[] ends = new long[requests];
    RedisClient admin = RedisClient.create(config.redisHost(), config.redisPort());
    try {
      for (int i = 0; i < instances; i++) {
        RedisClient client = RedisClient.create(config.redisHost(), config.redisPort());
        clients.add(client);
        locks.add(
            MemoLock.builder(client, StringStorage.utf8())
                .tag(tag)
                .lockTimeout(Duration.ofSeconds(10))
                .build());
      }
      admin.del(tag + ":" + id);
      out.printf(
          "MemoLock stampede: %d instance(s) x %d virtual thread(s) = %d requests for one cold key"
              + " (%s:%s), %d ms computation, Redis %s%n",
          instances, threadsPer, requests, tag, id, computeMillis, config.redis());
      RedisStats before = RedisStats.take(admin);

      CountDownLatch gate = new CountDownLatch(1);
      CountDownLatch finished = new CountDownLatch(requests);
      List<Thread> threads = new ArrayList<>(requests);
      long[] startAt = new long[1];
      for (int i = 0; i < instances; i++) {
        MemoLock<String> lock = locks.get(i);
        String instance = "instance " + (i + 1);
        for (int t = 0; t < threadsPer; t++) {
          int slot = i * threadsPer + t;
          threads.add(
              Thread.ofVirtual()
                  .name("stampede-" + slot)
                  .start(
                      () -> {
                        try {
                          gate.await();
                          lock.get(
                              id,
                              REQUEST_TIMEOUT,
                              lease -> {
                                computations.incrementAndGet();
                                Thread.sleep(computeMillis);
                                computationEnd.accumulateAndGet(System.nanoTime(), Math::min);
                                return Computed.of(
                                    "computed by " + instance, Duration.ofSeconds(60));
                              });
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                          errors.incrementAndGet();
                          firstError.compareAndSet(null, e.toString());
                        } catch (RuntimeException e) {
                          errors.incrementAndGet();
                          firstError.compareAndSet(null, e.toString());
                        } finally {
                          long end = System.nanoTime();
                          ends[slot] = end;
                          latencies[slot] = end - startAt[0];
                          done.incrementAndGet();
                          finished.countDown();
                        }
                      }));
        }
      }
      startAt[0] = System.nanoTime();
      gate.countDown();
      boolean terminal = System.console() != null;
      long lastPrint = 0;
      while (!finished.await(50, TimeUnit.MILLISECONDS)) {
        long now = System.nanoTime();
        if (now - startAt[0] > RUN_LIMIT_NANOS) {
          break;
        }
        if (terminal || now - lastPrint > TimeUnit.MILLISECONDS.toNanos(500)) {
          progressLine(progress, terminal, done.get(), requests, computations.get(), now - startAt[0]);
          lastPrint = now;
        }
      }
      long wall = System.nanoTime() - startAt[0];
      progressLine(progress, terminal, done.get(), requests, computations.get(), wall);
      if (terminal) {
        progress.println();
      }
      for (Thread t : threads) {
        if (!t.join(Duration.ofSeconds(5))) {
          t.interrupt();
        }
      }
      int unfinished = requests - done.get();
      Thread.sleep(50); // let the instances' unsubscribes reach Redis before counting
      RedisStats after = RedisStats.take(admin);
      long commands = after.commandsSince(before);
      long scripts = after.scriptsSince(before);

      long valueAt = computationEnd.get();
      long[] beyond = new long[requests];
      for (int i = 0; i < requests; i++) {
        beyond[i] = valueAt == Long.MAX_VALUE ? 0 : Math.max(0, ends[i] - valueAt);
      }
      Percentiles latency = new Percentiles(latencies);
      Percentiles extra = new Percentiles(beyond);
      int errorCount = errors.get() + unfinished;

      out.println();
      out.printf("  %-28s %d%n", "requests", requests);
      out.printf("  %-28s %d%n", "computations", computations.get());
      out.printf("  %-28s %d%s%n", "errors", errorCount,
          firstError.get() == null ? "" : " (first: " + firstError.get() + ")");
      out.printf(Locale.ROOT, "  %-28s %.1f ms%n", "wall time", wall / 1e6);
      out.printf(Locale.ROOT, "  %-28s %.1f / %.1f / %.1f ms%n", "latency p50 / p99 / max",
          latency.millis(0.50), latency.millis(0.99), latency.maxMillis());
      out.printf(Locale.ROOT, "  %-28s %.2f / %.2f / %.2f ms  (request end - computation end)%n",
          "beyond the computation", extra.millis(0.50), extra.millis(0.99), extra.maxMillis());
      out.printf(Locale.ROOT, "  %-28s %d (%.3f per request; %d of them EVALSHA/EVAL)%n",
          "Redis commands", commands, commands / (double) requests, scripts);
      String json =
          new Json()
              .put("mode", "stampede")
              .put("instances", instances)
              .put("threads", threadsPer)
              .put("requests", requests)
              .put("computations", computations.get())
              .put("errors", errorCount)
              .put("computeMs", computeMillis)
              .put("wallMs", wall / 1e6)
              .put("p50Ms", latency.millis(0.50))
              .put("p99Ms", latency.millis(0.99))
              .put("maxMs", latency.maxMillis())
              .put("beyondComputationP50Ms", extra.millis(0.50))
              .put("beyondComputationP99Ms", extra.millis(0.99))
              .put("beyondComputationMaxMs", extra.maxMillis())
              .put("redisCommands", commands)
              .put("redisCommandsPerRequest", commands / (double) requests)
              .put("redisScripts", scripts)
              .toString();
      out.println(json);
      out.flush();
      return new Result(requests, computations.get(), errorCount, json);
    } finally {
      locks.forEach(MemoLock::close);
      clients.forEach(RedisClient::close);
      admin.close();
    }
  }

  private static void progressLine(
      PrintStream progress, boolean terminal, int done, int requests, int computations, long nanos) {
    String line =
        String.format(
            Locale.ROOT,
            "stampede: %d/%d requests done, %d computation(s), %.2f s",
            done, requests, computations, nanos / 1e9);
    if (terminal) {
      progress.print("\r" + line);
    } else {
      progress.println(line);
    }
    progress.flush();
  }
}
