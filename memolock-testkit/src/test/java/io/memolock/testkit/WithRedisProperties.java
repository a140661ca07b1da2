package io.memolock.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import redis.clients.jedis.RedisClient;

/** The jqwik side of {@link WithRedis}: an empty server per try, parameters resolved, resources closed per try. */
@WithRedis
class WithRedisProperties {
  private static final AtomicInteger TRIES = new AtomicInteger();
  private static final AtomicInteger CLOSED = new AtomicInteger();

  @Property(tries = 10)
  void everyTryStartsOnAnEmptyServerAfterTheLastTryClosedItsResources(
      @ForAll int value, RedisClient redis, TestResources opened, TestRedis server) {
    assertSame(TestRedis.shared(), server);
    assertEquals(TRIES.getAndIncrement(), CLOSED.get(), "each earlier try closed what it opened");
    assertEquals(0, redis.dbSize());
    redis.set("left-behind", Integer.toString(value));
    assertEquals(Integer.toString(value), redis.get("left-behind"));
    opened.track(CLOSED::incrementAndGet);
  }
}
