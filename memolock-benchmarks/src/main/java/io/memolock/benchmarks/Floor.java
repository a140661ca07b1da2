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
 * @param wake completion of a future to each of 1,000 waiting virtual threads running again
 */
record Floor(Percentiles get, Percentiles publish, Percentiles wake) {
  static final int WAKE_THREADS = 1_000;
  static final int WAKE_REPEATS = 5;

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
        return new Floor(new Percentiles(gets), new Percentiles(publishes), measureWake());
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
        threads[i] =
            Thread.ofVirtual()
                .start(
                    () -> {
                      waiting.countDown();
                      try {
                        long completedAt = future.get(10, TimeUnit.SECONDS);
                        samples[slot] = System.nanoTime() - completedAt;
                      } catch (Exception e) {
                        samples[slot] = TimeUnit.SECONDS.toNanos(10);
                      }
                    });
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
}
