package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link BulkComputation#gathering}: the ids a caller wins are computed in one call, each still
 * under its own lock, with failures per id.
 */
class BulkComputationTest extends RedisFixture {
  private static final Duration LONG = Duration.ofSeconds(20);

  /** Every call's ids, in the order they were handed over. */
  private final List<List<String>> calls = new CopyOnWriteArrayList<>();

  private Map<String, Computed<String>> values(Map<String, Lease> leases) {
    calls.add(new ArrayList<>(leases.keySet()));
    Map<String, Computed<String>> out = new HashMap<>();
    leases.keySet().forEach(id -> out.put(id, Computed.of("v-" + id, Duration.ofMinutes(1))));
    return out;
  }

  private static List<String> ids(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
  }

  @Test
  void aHundredColdIdsAreComputedInOneCallEachUnderItsOwnLock() {
    MemoLock<String> lock = memoLock(redis, "bulkc");
    List<String> ids = ids("u", 100);
    Set<String> tokens = ConcurrentHashMap.newKeySet();
    // Full at 100 ids: the call starts when all have arrived, however long their locks take.
    IdComputation<String> gathering = BulkComputation.gathering(leases -> {
      leases.forEach((id, lease) -> {
        assertTrue(lease.held());
        lease.extend(Duration.ofSeconds(30)); // each id's own lease
        assertEquals(lease.token(), redis.get("bulkc/lock:" + id));
        tokens.add(lease.token());
      });
      return values(leases);
    }, Duration.ofSeconds(30), 100);

    Map<String, String> got = lock.getAll(ids, LONG, gathering);

    assertEquals(ids, new ArrayList<>(got.keySet()));
    ids.forEach(id -> assertEquals("v-" + id, got.get(id)));
    assertEquals(1, calls.size(), "one call: " + calls);
    assertEquals(new HashSet<>(ids), new HashSet<>(calls.get(0)));
    assertEquals(100, tokens.size(), "a lock per id");
    ids.forEach(id -> assertEquals("v-" + id, redis.get("bulkc:" + id), "stored"));
    ids.forEach(id -> assertFalse(redis.exists("bulkc/lock:" + id), "released"));
    assertEquals(100, lock.metrics().computations());
  }

  @Test
  void idsAlreadyCachedAreNotHandedToTheBulkComputation() {
    MemoLock<String> lock = memoLock(redis, "bulkh");
    List<String> ids = ids("k", 10);
    for (int i = 0; i < 3; i++) {
      redis.set("bulkh:k" + i, "cached");
    }
    Map<String, String> got =
        lock.getAll(ids, LONG, BulkComputation.gathering(this::values, Duration.ofSeconds(30), 7));
    assertEquals("cached", got.get("k0"));
    assertEquals("v-k9", got.get("k9"));
    assertEquals(1, calls.size());
    assertEquals(new HashSet<>(ids.subList(3, 10)), new HashSet<>(calls.get(0)));
  }

  @Test
  void anIdLeftOutOfTheAnswerFailsAloneAndTheOthersAreServedAndStored() {
    MemoLock<String> lock = memoLock(redis, "bulkm");
    List<String> ids = List.of("a", "x", "b");
    BulkGetException e =
        assertThrows(
            BulkGetException.class,
            () -> lock.getAll(ids, LONG, BulkComputation.gathering(leases -> {
              Map<String, Computed<String>> out = values(leases);
              out.remove("x");
              return out;
            }, Duration.ofSeconds(30), 3)));
    assertEquals(Set.of("x"), e.failures().keySet());
    ComputationFailedException x =
        assertInstanceOf(ComputationFailedException.class, e.failures().get("x"));
    assertTrue(String.valueOf(x.getCause()).contains("no value for id 'x'"), x.toString());
    assertEquals(Map.of("a", "v-a", "b", "v-b"), e.values());
    assertEquals("v-a", redis.get("bulkm:a"));
    assertFalse(redis.exists("bulkm:x"), "nothing stored for the failed id");
    assertFalse(redis.exists("bulkm/lock:x"), "its lock released");
  }

  @Test
  void aThrowingBulkComputationFailsEveryIdOfItsCallWithItsCause() {
    MemoLock<String> lock = memoLock(redis, "bulkf");
    List<String> ids = ids("f", 5);
    IllegalStateException down = new IllegalStateException("database down");
    BulkGetException e =
        assertThrows(
            BulkGetException.class,
            () -> lock.getAll(ids, LONG, BulkComputation.<String>gathering(leases -> {
              throw down;
            }, Duration.ofSeconds(30), 5)));
    assertEquals(new HashSet<>(ids), e.failures().keySet());
    for (MemoLockException f : e.failures().values()) {
      assertInstanceOf(ComputationFailedException.class, f);
      assertEquals(down, f.getCause());
    }
    ids.forEach(id -> assertFalse(redis.exists("bulkf/lock:" + id), "released"));
    // The ids work again: a later call computes them.
    assertEquals("v-f0", lock.getAll(List.of("f0"), LONG, BulkComputation.gathering(this::values)).get("f0"));
  }

  @Test
  void twoInstancesAskingForTheSameIdsComputeEachIdOnceBetweenThem() throws Exception {
    List<MemoLock<String>> instances =
        List.of(memoLock(redis, "bulk2"), memoLock(client(), "bulk2"));
    List<String> ids = ids("s", 60);
    IdComputation<String> gathering = BulkComputation.gathering(this::values);
    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Map<String, String>>> answers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        MemoLock<String> lock = instances.get(i % 2);
        answers.add(callers.submit(() -> lock.getAll(ids, LONG, gathering)));
      }
      for (Future<Map<String, String>> answer : answers) {
        Map<String, String> got = answer.get(30, TimeUnit.SECONDS);
        ids.forEach(id -> assertEquals("v-" + id, got.get(id)));
      }
    }
    List<String> computed = calls.stream().flatMap(List::stream).toList();
    assertEquals(ids.size(), computed.size(), "each id once: " + calls);
    assertEquals(new HashSet<>(ids), new HashSet<>(computed));
    System.out.println("60 ids, 4 callers on 2 instances: " + calls.size() + " bulk call(s)");
  }

  @Test
  void badArgumentsAreRefusedWhereTheyAreGiven() {
    BulkComputation<String> bulk = this::values;
    assertThrows(IllegalArgumentException.class, () -> BulkComputation.gathering(bulk, Duration.ofMillis(-1), 1));
    assertThrows(IllegalArgumentException.class, () -> BulkComputation.gathering(bulk, Duration.ZERO, 0));
    assertThrows(NullPointerException.class, () -> BulkComputation.gathering(null));
  }
}
