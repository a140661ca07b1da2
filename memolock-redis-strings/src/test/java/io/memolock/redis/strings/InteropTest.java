package io.memolock.redis.strings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.Computed;
import io.memolock.MemoLock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Cooperation with the original implementations' wire protocol, spoken here by plain Jedis commands
 * and by the real {@code redis-cli} program.
 */
class InteropTest extends RedisFixture {

  @Test
  void aForeignProducerSetAndPublishWakesOurWaiter() throws Exception {
    MemoLock<String> lock = memoLock(redis, "likes");
    // A classic peer won the lock: "SET likes/lock:kristoff <uuid> NX PX 5000".
    redis.set("likes/lock:kristoff", "a-go-instance", SetParams.setParams().nx().px(5000));
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> waiter =
          executor.submit(
              () -> lock.get("kristoff", Duration.ofSeconds(5), l -> Computed.of("ours")));
      Leftovers.awaitSubscribers(redis, "likes/notif:kristoff", 1);
      try (RedisClient foreign = client()) {
        foreign.set("likes:kristoff", "{\"likes\":[\"redis\"]}", SetParams.setParams().px(5000));
        foreign.publish("likes/notif:kristoff", "{\"likes\":[\"redis\"]}");
      }
      assertEquals("{\"likes\":[\"redis\"]}", waiter.get(5, TimeUnit.SECONDS));
    }
    assertEquals(0, lock.metrics().computations());
  }

  @Test
  void aRedisCliProducerWakesOurWaiter() throws Exception {
    MemoLock<String> lock = memoLock(redis, "ext");
    redis.set("ext/lock:héllo wörld", "python-producer", SetParams.setParams().px(5000));
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> waiter =
          executor.submit(
              () -> lock.get("héllo wörld", Duration.ofSeconds(5), l -> Computed.of("ours")));
      Leftovers.awaitSubscribers(redis, "ext/notif:héllo wörld", 1);
      for (List<String> args :
          List.of(
              List.of("SET", "ext:héllo wörld", "stemmed ✓", "PX", "5000"),
              List.of("PUBLISH", "ext/notif:héllo wörld", "stemmed ✓"))) {
        REDIS.externalCommand(args.toArray(String[]::new)); // redis-cli, or a child JVM without it
      }
      assertEquals("stemmed ✓", waiter.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void ourWinnerProducesForAForeignClassicWaiter() throws Exception {
    MemoLock<String> lock = memoLock(redis, "likes");
    LinkedBlockingQueue<String[]> received = new LinkedBlockingQueue<>();
    CountDownLatch subscribed = new CountDownLatch(1);
    JedisPubSub classicWaiter =
        new JedisPubSub() {
          @Override
          public void onSubscribe(String channel, int count) {
            subscribed.countDown();
          }

          @Override
          public void onPMessage(String pattern, String channel, String message) {
            received.add(new String[] {channel, message});
          }

          @Override
          public void onPSubscribe(String pattern, int count) {
            subscribed.countDown();
          }
        };
    RedisClient foreign = client();
    Thread listener =
        Thread.ofVirtual().start(() -> foreign.psubscribe(classicWaiter, "likes/notif:*"));
    try {
      assertTrue(subscribed.await(5, TimeUnit.SECONDS));
      lock.get("kristoff", Duration.ofSeconds(5), l -> Computed.of("value-for-go"));
      String[] message = received.poll(5, TimeUnit.SECONDS);
      assertEquals("likes/notif:kristoff", message[0]);
      assertEquals("value-for-go", message[1], "the payload is the value itself");
    } finally {
      classicWaiter.punsubscribe();
      listener.join(5_000);
    }
  }

  @Test
  void failuresAreInvisibleToClassicWaiters() throws Exception {
    MemoLock<String> lock = memoLock(redis, "likes");
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    CountDownLatch subscribed = new CountDownLatch(1);
    JedisPubSub classicWaiter =
        new JedisPubSub() {
          @Override
          public void onPMessage(String pattern, String channel, String message) {
            received.add(channel + "=" + message);
          }

          @Override
          public void onPSubscribe(String pattern, int count) {
            subscribed.countDown();
          }
        };
    RedisClient foreign = client();
    Thread listener =
        Thread.ofVirtual().start(() -> foreign.psubscribe(classicWaiter, "likes/notif:*"));
    try {
      assertTrue(subscribed.await(5, TimeUnit.SECONDS));
      try {
        lock.get(
            "broken",
            Duration.ofSeconds(5),
            l -> {
              throw new IllegalStateException("backend down");
            });
      } catch (io.memolock.ComputationFailedException expected) {
        // expected
      }
      lock.get("fine", Duration.ofSeconds(5), l -> Computed.of("ok"));
      // The first message a classic waiter sees is the good value, never the failure.
      assertEquals("likes/notif:fine=ok", received.poll(5, TimeUnit.SECONDS));
    } finally {
      classicWaiter.punsubscribe();
      listener.join(5_000);
    }
  }

  @Test
  void keyNamesTokensAndTtlsAreExactlyTheClassicLayout() throws Exception {
    MemoLock<String> lock =
        track(
            builder(redis, "query")
                .lockTimeout(Duration.ofMillis(4000))
                .autoRenew(false)
                .build());
    lock.get(
        "id:with{odd}chars",
        Duration.ofSeconds(5),
        lease -> {
          String token = redis.get("query/lock:id:with{odd}chars");
          assertEquals(lease.token(), token);
          assertTrue(token.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
          long lockTtl = redis.pttl("query/lock:id:with{odd}chars");
          assertTrue(lockTtl > 3000 && lockTtl <= 4000, "lock PTTL " + lockTtl);
          return Computed.of("v", Duration.ofSeconds(7));
        });
    assertEquals("v", redis.get("query:id:with{odd}chars"));
    long ttl = redis.pttl("query:id:with{odd}chars");
    assertTrue(ttl > 6000 && ttl <= 7000, "value PTTL " + ttl);
    assertFalse(redis.exists("query/lock:id:with{odd}chars"));
    assertEquals(
        java.util.Set.of("query:id:with{odd}chars"),
        redis.keys("*"),
        "nothing but the value stays in Redis");
  }


}
