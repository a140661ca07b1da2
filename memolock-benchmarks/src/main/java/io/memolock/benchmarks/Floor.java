package io.memolock.benchmarks;

import io.memolock.examples.Percentiles;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * The machine's floor, measured with plain Jedis: one {@code GET} round trip, and the time from
 * calling {@code PUBLISH} to the subscriber's callback (both one at a time, on virtual threads).
 *
 * <p>Also an in-JVM floor with no Redis at all: how long after one {@link CompletableFuture}
 * completes 1,000 virtual threads blocked on it are running again (the scheduling cost any
 * one-to-many wake-up pays on this machine, MemoLock's included).
 *
 * @param get GET round trips
 * @param publish PUBLISH to subscriber delivery
 * <p>And the same fan-out shaped as the stampede's ({@link #measureIdleWake}): after 100 ms of
 * idleness (the computation's time), four blocked platform threads are woken at once (as the four
 * instances' subscriber threads are by one {@code PUBLISH}), and each completes a future that 250
 * virtual threads wait on. Still no Redis: what is left between it and MemoLock's waiters is
 * MemoLock's and Redis's.
 *
 * @param wake completion of a future to each of 1,000 waiting virtual threads running again
 * @param idleWake the wake-up of four blocked threads after 100 ms idle to each of their 4 x 250
 *     waiting virtual threads running again
 */
record Floor(Percentiles get, Percentiles publish, Percentiles wake, Percentiles idleWake) {
  static final int WAKE_THREADS = 1_000;
  static final int WAKE_REPEATS = 5;
  static final int IDLE_GROUPS = 4;
  static final long IDLE_MS = 100;

  /**
   * @param host Redis host
   * @param port Redis port
   * @param samples how many of each (after a tenth as many for warm-up)
   * @param keyName the key read (on a cluster node, one of its own slots)
   * @return the measurements
   * @throws Exception if Redis fails or a message is not delivered within a second
   */
  static Floor measure(String host, int port, int samples, String keyName) throws Exception {
    try (RedisClient client = RedisClient.create(host, port);
        RedisClient subscriberClient = RedisClient.create(host, port)) {
      byte[] key = keyName.getBytes(StandardCharsets.UTF_8);
      client.set(key, "v".repeat(100).getBytes(StandardCharsets.UTF_8), SetParams.setParams().px(60_000));
      long[] gets = new long[samples];
      Thread getter =
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int i = -samples / 10; i < samples; i++) {
                      long t0 = System.nanoTime();
                      client.get(key);
                      if (i >= 0) {
                        gets[i] = System.nanoTime() - t0;
                      }
                    }
                  });
      if (!getter.join(java.time.Duration.ofSeconds(60))) {
        getter.interrupt();
        throw new IllegalStateException("GET floor did not finish within 60 s");
      }
      client.del(key);

      byte[] channel = ("floor/notif:" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
      LinkedBlockingQueue<Long> delivered = new LinkedBlockingQueue<>();
      CountDownLatch subscribed = new CountDownLatch(1);
      BinaryJedisPubSub pubSub =
          new BinaryJedisPubSub() {
            @Override
            public void onMessage(byte[] ch, byte[] message) {
              delivered.add(System.nanoTime());
            }

            @Override
            public void onSubscribe(byte[] ch, int count) {
              subscribed.countDown();
            }
          };
      Thread subscriber =
          Thread.ofVirtual().start(() -> subscriberClient.subscribe(pubSub, channel));
      try {
        if (!subscribed.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the floor's subscriber did not subscribe within 10 s");
        }
        long[] publishes = new long[samples];
        byte[] payload = "v".repeat(100).getBytes(StandardCharsets.UTF_8);
        for (int i = -samples / 10; i < samples; i++) {
          long t0 = System.nanoTime();
          client.publish(channel, payload);
          Long at = delivered.poll(1, TimeUnit.SECONDS);
          if (at == null) {
            throw new IllegalStateException("a PUBLISH was not delivered within 1 s");
          }
          if (i >= 0) {
            publishes[i] = at - t0;
          }
        }
        return new Floor(
            new Percentiles(gets), new Percentiles(publishes), measureWake(), measureIdleWake());
      } finally {
        pubSub.unsubscribe();
        subscriber.join(java.time.Duration.ofSeconds(5));
      }
    }
  }

  /** Completes a future that 1,000 virtual threads wait on, and times each one's wake-up. */
  static Percentiles measureWake() throws InterruptedException {
    long[] samples = new long[WAKE_THREADS * WAKE_REPEATS];
    for (int r = 0; r < WAKE_REPEATS; r++) {
      CompletableFuture<Long> future = new CompletableFuture<>();
      CountDownLatch waiting = new CountDownLatch(WAKE_THREADS);
      Thread[] threads = new Thread[WAKE_THREADS];
      int base = r * WAKE_THREADS;
      for (int i = 0; i < WAKE_THREADS; i++) {
        int slot = base + i;
        threads[i] = Thread.ofVirtual().start(waiter(future, waiting, samples, slot));
      }
      waiting.await(10, TimeUnit.SECONDS);
      Thread.sleep(20); // let them all block
      future.complete(System.nanoTime());
      for (Thread t : threads) {
        t.join(java.time.Duration.ofSeconds(10));
      }
    }
    return new Percentiles(samples);
  }

  /** See the class comment: the stampede's shape of fan-out, without Redis. */
  static Percentiles measureIdleWake() throws InterruptedException {
    int per = WAKE_THREADS / IDLE_GROUPS;
    long[] samples = new long[WAKE_THREADS * WAKE_REPEATS];
    for (int r = 0; r < WAKE_REPEATS; r++) {
      CountDownLatch go = new CountDownLatch(1);
      CountDownLatch waiting = new CountDownLatch(WAKE_THREADS);
      long[] wokenAt = new long[1];
      Thread[] completers = new Thread[IDLE_GROUPS];
      Thread[] threads = new Thread[WAKE_THREADS];
      for (int g = 0; g < IDLE_GROUPS; g++) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        completers[g] =
            Thread.ofPlatform()
                .daemon()
                .start(
                    () -> {
                      try {
                        if (go.await(10, TimeUnit.SECONDS)) {
                          future.complete(wokenAt[0]);
                        }
                      } catch (InterruptedException e) {
                        future.complete(wokenAt[0]); // the waiters still end (at 10 s at most)
                      }
                    });
        for (int i = 0; i < per; i++) {
          int slot = r * WAKE_THREADS + g * per + i;
          threads[g * per + i] = Thread.ofVirtual().start(waiter(future, waiting, samples, slot));
        }
      }
      waiting.await(10, TimeUnit.SECONDS);
      Thread.sleep(IDLE_MS); // idle, as during the computation
      wokenAt[0] = System.nanoTime();
      go.countDown(); // the latch's release publishes wokenAt to the completers
      for (Thread t : threads) {
        t.join(java.time.Duration.ofSeconds(10));
      }
      for (Thread t : completers) {
        t.join(java.time.Duration.ofSeconds(10));
      }
    }
    return new Percentiles(samples);
  }

  /**
   * One waiting virtual thread of a fan-out floor: counts itself waiting, then records how long
   * after the future's value (a {@link System#nanoTime()}) it runs again (10 s if it never does).
   */
  private static Runnable waiter(
      CompletableFuture<Long> future, CountDownLatch waiting, long[] samples, int slot) {
    return () -> {
      waiting.countDown();
      try {
        long at = future.get(10, TimeUnit.SECONDS);
        samples[slot] = System.nanoTime() - at;
      } catch (Exception e) {
        samples[slot] = TimeUnit.SECONDS.toNanos(10);
      }
    };
  }
}
