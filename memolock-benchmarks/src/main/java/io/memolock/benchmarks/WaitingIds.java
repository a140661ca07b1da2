package io.memolock.benchmarks;

import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.internal.Engine;
import io.memolock.redis.strings.StringStorage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Waiting ids in memory: N callers (virtual threads) wait on N distinct ids whose locks a foreign
 * holder has (the lock keys are set directly, as a Go peer's would be), then a foreign producer
 * stores and publishes every value ({@code SET T:I} + {@code PUBLISH T/notif:I}, the classic
 * protocol). Measures the heap per waiting id after a full collection, the time until every id's
 * channels are subscribed on the server ({@code INFO stats pubsub_channels}), the time until every
 * caller is woken after the publishes, and checks that each caller got its own id's value and that
 * nothing was computed. A control run parks N bare virtual threads on one future with a timeout
 * (the caller's own thread, which no library can save) to tell the thread from MemoLock's state;
 * the growth of the live heap by class says where the rest goes.
 *
 * <p>Usage: {@code WaitingIds [--ids N] [--time-limit-s S] [--no-warmup] [--redis URI]}. Every
 * wait is bounded by the time limit. Run it with {@code exec:exec@waiting} (see
 * docs/BENCHMARKS.md).
 */
public final class WaitingIds {
  private static final Duration CALLER_TIMEOUT = Duration.ofSeconds(300);
  private static final long FOREIGN_LOCK_MS = 600_000;
  private static final int CHUNK = 1_000;
  /** The classic protocol's channels per resource: the notification and the failure channel. */
  private static final int CHANNELS_PER_ID = 2;

  private static final boolean TRACE = Boolean.getBoolean("waiting.trace");

  private WaitingIds() {}

  /**
   * @param args see the class comment
   * @throws Exception when the run fails
   */
  public static void main(String[] args) throws Exception {
    int ids = 100_000;
    long limitS = 120;
    boolean warmup = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--ids" -> ids = Integer.parseInt(args[++i]);
        case "--time-limit-s" -> limitS = Long.parseLong(args[++i]);
        case "--no-warmup" -> warmup = false;
        case "--redis" -> System.setProperty(BenchRedis.PROPERTY, args[++i]);
        case "" -> {}
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (ids < 1 || ids > 500_000 || limitS < 1 || limitS > 900) {
      throw new IllegalArgumentException("--ids must be 1..500000, --time-limit-s 1..900");
    }
    BenchRedis redis = BenchRedis.obtain();
    Machine machine = Machine.describe(redis);
    System.out.println("WaitingIds: " + machine.oneLine() + "; load " + LoadRunner.loadAverage());
    try (RedisClient admin = RedisClient.create(redis.host(), redis.port())) {
      Duration limit = Duration.ofSeconds(limitS);
      if (warmup) {
        int n = Math.max(1, ids / 10);
        System.out.println("-- warm-up, " + n + " ids (not reported)");
        run(redis, admin, n, limit, false);
        control(n, false, null);
      }
      System.out.println("-- control: " + ids + " bare virtual threads parked on one future");
      double bare = control(ids, true, null);
      System.out.println(
          "-- control: " + ids + " virtual threads that each read Redis (a GET, as a caller's own"
              + " first read does), then park on one future");
      double reader;
      try (RedisClient client = RedisClient.create(redis.host(), redis.port())) {
        reader = control(ids, true, client);
      }
      System.out.println("-- MemoLock: " + ids + " callers waiting on " + ids + " distinct ids");
      double total = run(redis, admin, ids, limit, true);
      System.out.printf(
          Locale.ROOT,
          "RESULT heap per waiting id %.0f B; a bare parked virtual thread %.0f B, one that read"
              + " Redis first %.0f B; MemoLock's state beyond the latter %.0f B%n",
          total, bare, reader, total - reader);
    } finally {
      redis.stop();
    }
  }

  /**
   * @param reader if not null, each thread first reads a key through it (its stack then parked
   *     once in a socket read, deeper than the wait, as a MemoLock caller's does)
   * @return bytes per parked virtual thread
   */
  private static double control(int n, boolean report, RedisClient reader) throws Exception {
    CompletableFuture<String> future = new CompletableFuture<>();
    CountDownLatch parked = new CountDownLatch(n);
    Semaphore permits = new Semaphore(8, true);
    long before = HeapHistogram.usedAfterGc();
    HeapHistogram hBefore = report ? HeapHistogram.take() : null;
    Thread[] threads = new Thread[n];
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      threads[i] =
          Thread.ofVirtual()
              .start(
                  () -> {
                    if (reader != null) {
                      // as many at a time as the pool has connections (jedis #3927)
                      permits.acquireUninterruptibly();
                      try {
                        reader.get("wi-control-absent");
                      } finally {
                        permits.release();
                      }
                    }
                    parked.countDown();
                    try {
                      future.get(CALLER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  });
    }
    parked.await(60, TimeUnit.SECONDS);
    long parkedIn = System.nanoTime() - t0;
    Thread.sleep(200);
    long after = HeapHistogram.usedAfterGc();
    double per = (after - before) / (double) n;
    if (report) {
      System.out.printf(
          Locale.ROOT,
          "parked virtual thread: %.0f B each; all %d started and at their park in %.2f s%n",
          per, n, parkedIn / 1e9);
      System.out.print(HeapHistogram.take().growthSince(hBefore, n, 12));
    }
    future.complete("done");
    for (Thread t : threads) {
      t.join(Duration.ofSeconds(30));
    }
    return per;
  }

  /** @return bytes per waiting id */
  private static double run(BenchRedis redis, RedisClient admin, int n, Duration limit, boolean report)
      throws Exception {
    String tag = "wi-" + UUID.randomUUID().toString().substring(0, 8);
    String[] id = new String[n];
    for (int i = 0; i < n; i++) {
      id[i] = "id" + i;
    }
    SetParams lockParams = SetParams.setParams().px(FOREIGN_LOCK_MS);
    chunked(admin, n, (p, i) -> p.set(tag + "/lock:" + id[i], "foreign-holder", lockParams));
    long deadline = System.nanoTime() + limit.toNanos();
    try (RedisClient client = RedisClient.create(redis.host(), redis.port());
        MemoLock<String> lock =
            MemoLock.builder(client, StringStorage.utf8())
                .tag(tag)
                .lockTimeout(Duration.ofSeconds(10))
                .build()) {
      lock.getIfPresent("warm"); // the connection and the subscriber are up
      long channelsBefore = pubsubChannels(admin);
      java.util.Map<String, long[]> commandsBefore = commandStats(admin);
      double redisCpuBefore = redisCpuSeconds(admin);
      long before = HeapHistogram.usedAfterGc();
      HeapHistogram hBefore = report ? HeapHistogram.take() : null;
      String[] got = new String[n];
      AtomicInteger computed = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      AtomicReference<Throwable> firstFailure = new AtomicReference<>();
      Thread[] threads = new Thread[n];
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        int k = i;
        threads[i] =
            Thread.ofVirtual()
                .start(
                    () -> {
                      try {
                        got[k] =
                            lock.get(
                                id[k],
                                CALLER_TIMEOUT,
                                lease -> {
                                  computed.incrementAndGet();
                                  return Computed.of("computed", Duration.ofMinutes(1));
                                });
                      } catch (RuntimeException e) {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, e);
                      }
                    });
      }
      long started = System.nanoTime() - t0;
      Engine<?> engine = (Engine<?>) lock;
      // Polls until every id's channels are held by the engine and subscribed on the server and
      // nothing has moved for 300 ms (no Redis command, no channel: every caller listening and
      // re-checked), then takes the first time the server held as many channels as at the end.
      long[] at = new long[(int) Math.min(1_000_000, limit.toMillis() / 5 + 2)];
      long[] held = new long[at.length];
      int polls = 0;
      long lastProcessed = -1;
      int lastChannels = -1;
      long lastChange = System.nanoTime();
      while (polls < at.length && System.nanoTime() - deadline < 0) {
        long[] stats = stats(admin);
        int engineChannels = engine.subscribedChannels();
        // A channel covered by a pattern (many waiting ids: see ChannelPatterns) is heard without a
        // subscription of its own: count it as held once its pattern is on the server.
        int covered = engine.subscriber().coveredChannels();
        at[polls] = System.nanoTime() - t0;
        held[polls++] = stats[0] - channelsBefore + (stats[2] > 0 ? covered : 0);
        if (stats[1] - lastProcessed > 1 || engineChannels != lastChannels) {
          lastChange = System.nanoTime(); // more than this poll's own INFO, or channels moved
        }
        lastProcessed = stats[1];
        lastChannels = engineChannels;
        if (engineChannels >= CHANNELS_PER_ID * n
            && held[polls - 1] >= engineChannels
            && System.nanoTime() - lastChange > 300_000_000L) {
          break;
        }
        if (TRACE && polls % 40 == 0) {
          java.util.Map<String, Integer> states = new java.util.TreeMap<>();
          for (int i = 0; i < n; i += 50) {
            states.merge(String.valueOf(engine.flightState(id[i])), 50, Integer::sum);
          }
          System.out.printf(Locale.ROOT, "  %.2f s %s%n", at[polls - 1] / 1e9, states);
        }
        Thread.sleep(5);
      }
      long settledAt = lastChange - t0;
      java.util.Map<String, long[]> commandsAfter = commandStats(admin);
      double redisCpu = redisCpuSeconds(admin) - redisCpuBefore;
      int channels = engine.subscribedChannels();
      long subscribedAt = -1;
      for (int i = 0; i < polls; i++) {
        if (held[i] >= channels && channels >= CHANNELS_PER_ID * n) {
          subscribedAt = at[i];
          break;
        }
      }
      long after = HeapHistogram.usedAfterGc();
      double per = (after - before) / (double) n;
      if (report) {
        System.out.printf(
            Locale.ROOT,
            "callers started in %.2f s; %s; settled (nothing moved for 300 ms after) %.2f s;"
                + " %d channels (%.1f per id), %d of them covered by %d patterns; heap %.1f MB,"
                + " %.0f B per waiting id%n",
            started / 1e9,
            subscribedAt < 0 ? "NOT ALL SUBSCRIBED within the time limit"
                : String.format(Locale.ROOT, "all subscribed on the server at %.2f s", subscribedAt / 1e9),
            settledAt / 1e9, channels, channels / (double) n, engine.subscriber().coveredChannels(),
            stats(admin)[2], (after - before) / 1e6, per);
        System.out.print(HeapHistogram.take().growthSince(hBefore, n, 30));
        System.out.printf(
            Locale.ROOT,
            "Redis CPU until settled: %.2f s (INFO cpu, user + sys); commands (INFO commandstats"
                + " delta, scripts' inner calls counted too): calls, per id, usec%n",
            redisCpu);
        commandsAfter.forEach(
            (name, a) -> {
              long[] b = commandsBefore.getOrDefault(name, new long[2]);
              if ((a[0] - b[0] > n / 100 || name.contains("subscribe")) && !name.equals("info")) {
                System.out.printf(
                    Locale.ROOT, "    %-10s %9d %6.2f %10d%n",
                    name, a[0] - b[0], (a[0] - b[0]) / (double) n, a[1] - b[1]);
              }
            });
      }
      long p0 = System.nanoTime();
      chunked(
          admin,
          n,
          (p, i) -> {
            byte[] value = value(id[i]);
            p.set((tag + ":" + id[i]).getBytes(StandardCharsets.UTF_8), value,
                SetParams.setParams().px(60_000));
            p.publish((tag + "/notif:" + id[i]).getBytes(StandardCharsets.UTF_8), value);
          });
      int unfinished = 0;
      for (Thread t : threads) {
        long left = deadline - System.nanoTime();
        if (!t.join(Duration.ofNanos(Math.max(1, left)))) {
          unfinished++;
          t.interrupt();
        }
      }
      long woken = System.nanoTime() - p0;
      int wrong = 0;
      for (int i = 0; i < n; i++) {
        if (got[i] == null || !got[i].equals(new String(value(id[i]), StandardCharsets.UTF_8))) {
          wrong++;
        }
      }
      if (report) {
        System.out.printf(
            Locale.ROOT,
            "published in chunks of %d; every caller done %.2f s after the first publish;"
                + " right values %d of %d, computations %d, failures %d%s, unfinished %d%n",
            CHUNK, woken / 1e9, n - wrong, n, computed.get(), failed.get(),
            firstFailure.get() == null ? "" : " (first: " + firstFailure.get() + ")", unfinished);
        System.out.printf(
            Locale.ROOT,
            "RESULT %d waiting ids: %.0f B per waiting id, subscribed in %s, woken in %.2f s,"
                + " %s%n",
            n, per,
            subscribedAt < 0 ? "(not within the limit)"
                : String.format(Locale.ROOT, "%.2f s", subscribedAt / 1e9),
            woken / 1e9,
            wrong == 0 && computed.get() == 0 && unfinished == 0 ? "every caller woken with its value"
                : "FAILED CHECKS");
      }
      chunked(admin, n, (p, i) -> p.del(tag + "/lock:" + id[i], tag + ":" + id[i]));
      return per;
    }
  }

  private static byte[] value(String id) {
    return ("value of " + id + " " + "x".repeat(60)).getBytes(StandardCharsets.UTF_8);
  }

  private interface Step {
    void add(AbstractPipeline p, int i);
  }

  /** Runs one command group per index, pipelined in chunks. */
  private static void chunked(RedisClient admin, int n, Step step) {
    for (int from = 0; from < n; from += CHUNK) {
      try (AbstractPipeline p = admin.pipelined()) {
        for (int i = from; i < Math.min(n, from + CHUNK); i++) {
          step.add(p, i);
        }
        p.sync();
      }
    }
  }

  /** @return calls and usec per command ({@code INFO commandstats}), sorted by name */
  private static java.util.Map<String, long[]> commandStats(RedisClient admin) {
    java.util.Map<String, long[]> out = new java.util.TreeMap<>();
    for (String line : admin.info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_")) {
        String name = line.substring("cmdstat_".length(), line.indexOf(':'));
        long[] v = new long[2];
        for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
          if (field.startsWith("calls=")) {
            v[0] = Long.parseLong(field.substring(6));
          } else if (field.startsWith("usec=")) {
            v[1] = Long.parseLong(field.substring(5));
          }
        }
        out.put(name, v);
      }
    }
    return out;
  }

  /** @return the server's used_cpu_user + used_cpu_sys */
  private static double redisCpuSeconds(RedisClient admin) {
    double cpu = 0;
    for (String line : admin.info("cpu").split("\r?\n")) {
      if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
        cpu += Double.parseDouble(line.substring(line.indexOf(':') + 1).strip());
      }
    }
    return cpu;
  }

  private static long pubsubChannels(RedisClient admin) {
    return stats(admin)[0];
  }

  /** @return the server's pubsub_channels, total_commands_processed and pubsub_patterns */
  private static long[] stats(RedisClient admin) {
    long[] out = {-1, -1, -1};
    for (String line : admin.info("stats").split("\r?\n")) {
      if (line.startsWith("pubsub_channels:")) {
        out[0] = Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
      } else if (line.startsWith("total_commands_processed:")) {
        out[1] = Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
      } else if (line.startsWith("pubsub_patterns:")) {
        out[2] = Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
      }
    }
    if (out[0] < 0 || out[1] < 0 || out[2] < 0) {
      throw new IllegalStateException(
          "INFO stats lacks pubsub_channels, total_commands_processed or pubsub_patterns");
    }
    return out;
  }
}
