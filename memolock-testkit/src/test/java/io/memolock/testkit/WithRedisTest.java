package io.memolock.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.RedisClient;

/** The Jupiter side of {@link WithRedis}: an empty server per test, parameters resolved, resources closed after. */
@WithRedis
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WithRedisTest {
  private static final List<String> CLOSED = new CopyOnWriteArrayList<>();

  private RedisClient fromBeforeEach;
  private TestResources resourcesFromBeforeEach;

  @BeforeEach
  void open(RedisClient redis, TestResources opened) {
    fromBeforeEach = redis;
    resourcesFromBeforeEach = opened;
  }

  @Test
  @Order(1)
  void aTestLeavesKeysAndResourcesBehind(RedisClient redis, TestResources opened, TestRedis server) {
    assertSame(TestRedis.shared(), server);
    assertSame(resourcesFromBeforeEach, opened, "one TestResources per test");
    assertNotSame(fromBeforeEach, redis, "each RedisClient parameter is a client of its own");
    redis.set("left-behind", "1");
    assertEquals("1", fromBeforeEach.get("left-behind"));
    opened.track(() -> CLOSED.add("first"));
    opened.track(() -> CLOSED.add("second"));
  }

  @Test
  @Order(2)
  void theNextTestFindsAnEmptyServerAndWhatTheLastOneOpenedClosedLastInFirstOut(RedisClient redis) {
    assertEquals(0, redis.dbSize());
    assertEquals(List.of("second", "first"), CLOSED);
  }

  @Test
  @Order(3)
  void everyResourceIsClosedEvenIfOneFailsAndTheFirstFailureIsReported() throws Exception {
    TestResources resources = new TestResources(TestRedis.shared());
    List<String> closed = new CopyOnWriteArrayList<>();
    resources.track(() -> closed.add("a"));
    resources.track(
        () -> {
          throw new IllegalStateException("b");
        });
    resources.track(
        () -> {
          throw new IllegalArgumentException("c");
        });
    Exception e = assertThrows(IllegalArgumentException.class, resources::close);
    assertEquals("b", e.getSuppressed()[0].getMessage());
    assertEquals(List.of("a"), closed);
    List<String> late = new CopyOnWriteArrayList<>();
    assertThrows(IllegalStateException.class, () -> resources.track(() -> late.add("late")));
    assertTrue(late.contains("late"), "tracked after the test: closed at once");
  }
}
