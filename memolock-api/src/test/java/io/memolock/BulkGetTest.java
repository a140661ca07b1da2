package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.internal.Engine;
import io.memolock.internal.TestStorage;
import io.memolock.spi.Storage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@code getAll} and {@code findAll}: the ids' order, duplicates, hits in one round trip, each miss
 * through its own flight (concurrently, once per id across instances), failures and timeouts per
 * id, interrupts, and the interface's default for other implementations.
 */
class BulkGetTest extends RedisFixture {
  private static final Duration LONG = Duration.ofSeconds(10);

  /** Counts the computations of each id; the value of id {@code x} is {@code "v-x"}. */
  private final Map<String, AtomicInteger> computed = new ConcurrentHashMap<>();

  private Computed<String> count(String id) {
    computed.computeIfAbsent(id, i -> new AtomicInteger()).incrementAndGet();
    return Computed.of("v-" + id);
  }

  private int computations(String id) {
    AtomicInteger n = computed.get(id);
    return n == null ? 0 : n.get();
  }

  @Test
  void theMapFollowsTheIdsOrderAndADuplicateIsAskedForAndComputedOnce() {
    MemoLock<String> lock = memoLock(redis, "bulk");
    redis.set("bulk:b", "cached-b");
    Map<String, String> values =
        lock.getAll(List.of("c", "a", "b", "a", "c", "d"), LONG, (id, lease) -> count(id));
    assertEquals(List.of("c", "a", "b", "d"), new ArrayList<>(values.keySet()));
    assertEquals(List.of("v-c", "v-a", "cached-b", "v-d"), new ArrayList<>(values.values()));
    assertEquals(1, computations("a"));
    assertEquals(1, computations("c"));
    assertEquals(0, computations("b"), "a hit is not computed");
    assertThrows(UnsupportedOperationException.class, () -> values.put("e", "x"));
    Leftovers.assertNone(lock, redis);
  }

  @Test
  void emptyInputGivesAnEmptyMap() {
    MemoLock<String> lock = memoLock(redis, "bulk");
    assertEquals(Map.of(), lock.getAll(List.of(), LONG, (id, lease) -> count(id)));
    assertEquals(Map.of(), lock.findAll(List.of(), LONG, (id, lease) -> count(id)));
  }

  @Test
  void nullOrInvalidIdsAreRefusedBeforeAnyRedisTraffic() {
    MemoLock<String> lock = memoLock(redis, "bulk");
    long before = calls(redis, "get", "mget", "eval", "evalsha");
    List<String> withNull = Arrays.asList("a", null, "b");
    IllegalArgumentException nullId =
        assertThrows(
            IllegalArgumentException.class,
            () -> lock.getAll(withNull, LONG, (id, lease) -> count(id)));
    assertTrue(nullId.getMessage().contains("ids[1]"), nullId.getMessage());
    IllegalArgumentException empty =
        assertThrows(
            IllegalArgumentException.class,
            () -> lock.findAll(List.of("a", "b", ""), LONG, (id, lease) -> count(id)));
    assertTrue(empty.getMessage().contains("ids[2]"), empty.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> lock.getAll(List.of("a", "\uD800"), LONG, (id, lease) -> count(id)));
    assertThrows(
        IllegalArgumentException.class,
        () -> lock.getAll(List.of("a"), Duration.ZERO, (id, lease) -> count(id)));
    assertThrows(NullPointerException.class, () -> lock.getAll(null, LONG, (id, lease) -> count(id)));
    assertThrows(NullPointerException.class, () -> lock.getAll(List.of("a"), LONG, null));
    assertEquals(before, calls(redis, "get", "mget", "eval", "evalsha"), "nothing sent");
    assertEquals(0, computations("a"));
  }

  @Test
  void hitsAreReadInOneRoundTrip() {
    MemoLock<String> lock = memoLock(redis, "bulk");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ids.add("k" + i);
      redis.set("bulk:k" + i, "v" + i);
    }
    long gets = calls(redis, "get");
    long mgets = calls(redis, "mget");
    long scripts = calls(redis, "eval", "evalsha");
    Map<String, String> values = lock.getAll(ids, LONG, (id, lease) -> count(id));
    assertEquals(1, calls(redis, "mget") - mgets, "one MGET");
    assertEquals(0, calls(redis, "get") - gets, "no GET");
    assertEquals(0, calls(redis, "eval", "evalsha") - scripts, "no script");
    assertEquals(0, engine(lock).batchedReads(), "no flight read");
    assertEquals(100, values.size());
    assertEquals("v42", values.get("k42"));
    assertEquals(100, lock.metrics().hits());
  }

  @Test
  void manyIdsAreReadInChunksOfAtMost512() {
    MemoLock<String> lock = memoLock(redis, "bulk");
    List<String> ids = new ArrayList<>();
    try (redis.clients.jedis.AbstractPipeline p = redis.pipelined()) {
      for (int i = 0; i < 1100; i++) {
        ids.add("k" + i);
        p.set("bulk:k" + i, "v" + i);
      }
      p.sync();
    }
    long mgets = calls(redis, "mget");
    Map<String, String> values = lock.getAll(ids, LONG, (id, lease) -> count(id));
    assertEquals(3, calls(redis, "mget") - mgets, "512 + 512 + 76");
    assertEquals(ids, new ArrayList<>(values.keySet()));
    assertEquals("v1099", values.get("k1099"));
  }

  @Test
  void aValueThatDoesNotDecodeOrAKeyOfTheWrongTypeFailsOnlyItsOwnId() {
    MemoLock<String> lock = memoLock(redis, "bulk");
    redis.set("bulk:a", "va");
    redis.set("bulk:c", "vc");
    redis.set("bulk:bad".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xff, (byte) 0xfe});
    redis.rpush("bulk:list", "x");
    BulkGetException e =
        assertThrows(
            BulkGetException.class,
            () -> lock.getAll(List.of("a", "bad", "list", "c"), LONG, (id, lease) -> count(id)));
    assertEquals(List.of("bad", "list"), new ArrayList<>(e.failures().keySet()));
    assertInstanceOf(CodecException.class, e.failures().get("bad"));
    MemoLockException wrongType = e.failures().get("list");
    assertTrue(wrongType.getMessage().contains("wrong Redis type"), wrongType.getMessage());
    assertEquals(Map.of("a", "va", "c", "vc"), e.<String>values());
    // Without the undecodable value the MGET succeeds, reading the list as missing: its flight
    // goes straight to the lock, and meets the wrong type there.
    BulkGetException viaMget =
        assertThrows(
            BulkGetException.class,
            () -> lock.getAll(List.of("a", "list"), LONG, (id, lease) -> count(id)));
    assertEquals(List.of("list"), new ArrayList<>(viaMget.failures().keySet()));
    assertTrue(
        viaMget.failures().get("list").getMessage().contains("wrong Redis type"),
        viaMget.failures().get("list").getMessage());
    assertEquals(0, computations("list"), "nothing computed over the list");
    assertEquals("x", redis.lindex("bulk:list", 0), "Redis left as it was");
    Leftovers.assertNone(lock, redis);
  }

  @Test
  void aStorageThatCannotReadInBatchesIsReadOneIdAtATime() {
    MemoLock<String> lock =
        track(MemoLock.builder(redis, new OneAtATime(TestStorage.utf8())).tag("bulk").build());
    for (int i = 0; i < 10; i++) {
      redis.set("bulk:k" + i, "v" + i);
    }
    long gets = calls(redis, "get");
    long mgets = calls(redis, "mget");
    Map<String, String> values =
        lock.getAll(List.of("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "new"),
            LONG, (id, lease) -> count(id));
    assertEquals(0, calls(redis, "mget") - mgets);
    assertTrue(calls(redis, "get") - gets >= 11, "one GET per id");
    assertEquals("v7", values.get("k7"));
    assertEquals("v-new", values.get("new"));
  }

  @Test
  void mixedHitsMissesAndAbsences() {
    MemoLock<String> lock = memoLock(redis, "bulk");
    redis.set("bulk:hit", "cached");
    IdComputation<String> computation =
        (id, lease) -> id.startsWith("gone") ? Computed.absent(Duration.ofMinutes(1)) : count(id);
    Map<String, Optional<String>> found =
        lock.findAll(List.of("hit", "gone1", "miss", "gone2"), LONG, computation);
    assertEquals(
        List.of(Optional.of("cached"), Optional.empty(), Optional.of("v-miss"), Optional.empty()),
        new ArrayList<>(found.values()));

    BulkGetException e =
        assertThrows(
            BulkGetException.class,
            () -> lock.getAll(List.of("hit", "gone1", "miss", "gone2"), LONG, computation));
    assertEquals(List.of("gone1", "gone2"), new ArrayList<>(e.failures().keySet()));
    assertInstanceOf(AbsentValueException.class, e.failures().get("gone1"));
    Map<String, String> served = e.values();
    assertEquals(Map.of("hit", "cached", "miss", "v-miss"), served);
    assertEquals(1, computations("miss"), "the second call read it");
    Leftovers.assertNone(lock, redis);
  }

  @Test
  void oneFailingIdAmongManyFailsAloneAndTheOthersAreServed() {
    MemoLock<String> lock = memoLock(redis, "bulk");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ids.add("k" + i);
    }
    BulkGetException e =
        assertThrows(
            BulkGetException.class,
            () ->
                lock.getAll(
                    ids,
                    LONG,
                    (id, lease) -> {
                      if (id.equals("k7")) {
                        throw new IllegalStateException("no k7 today");
                      }
                      return count(id);
                    }));
    assertEquals(List.of("k7"), new ArrayList<>(e.failures().keySet()));
    ComputationFailedException failure =
        assertInstanceOf(ComputationFailedException.class, e.failures().get("k7"));
    assertTrue(failure.getMessage().contains("no k7 today"), failure.getMessage());
    assertEquals(failure, e.getCause());
    Map<String, String> served = e.values();
    assertEquals(19, served.size());
    assertEquals("v-k8", served.get("k8"));
    assertEquals(null, redis.get("bulk/lock:k7"), "the failed id's lock is released");
    Leftovers.assertNone(lock, redis);
  }

  @Test
  void anIdStillPendingAtTheTimeoutTimesOutAloneAndNothingIsLeftBehind() throws Exception {
    MemoLock<String> lock = memoLock(redis, "bulk");
    CountDownLatch release = new CountDownLatch(1);
    BulkGetException e =
        assertThrows(
            BulkGetException.class,
            () ->
                lock.getAll(
                    List.of("fast", "slow", "fast2"),
                    Duration.ofMillis(500),
                    (id, lease) -> {
                      if (id.equals("slow")) {
                        release.await();
                      }
                      return count(id);
                    }));
    assertEquals(List.of("slow"), new ArrayList<>(e.failures().keySet()));
    assertInstanceOf(MemoLockTimeoutException.class, e.failures().get("slow"));
    assertEquals(Map.of("fast", "v-fast", "fast2", "v-fast2"), e.<String>values());
    release.countDown(); // the running computation finishes and stores, as for a timed-out get
    Leftovers.assertNone(lock, redis);
    assertEquals("v-slow", redis.get("bulk:slow"));
  }

  @Test
  void anInterruptEndsTheWholeCallAndGivesUpEveryPendingId() throws Exception {
    MemoLock<String> lock = memoLock(redis, "bulk");
    MemoLock<String> other = memoLock(client(), "bulk");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch computing = new CountDownLatch(2);
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      // Another instance holds "held": this caller's flight of it waits for a notification.
      Future<String> holder =
          executor.submit(
              () ->
                  other.get(
                      "held",
                      LONG,
                      lease -> {
                        computing.countDown();
                        release.await();
                        return Computed.of("v-held");
                      }));
      Leftovers.awaitLock(redis, "bulk/lock:held");
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      AtomicReference<Boolean> flagged = new AtomicReference<>();
      Thread caller =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      lock.getAll(
                          List.of("held", "mine"),
                          LONG,
                          (id, lease) -> {
                            computing.countDown();
                            release.await();
                            return count(id);
                          });
                    } catch (Throwable t) {
                      thrown.set(t);
                      flagged.set(Thread.currentThread().isInterrupted());
                    }
                  });
      assertTrue(computing.await(5, TimeUnit.SECONDS));
      Leftovers.awaitSubscribers(redis, "bulk/notif:held", 1);
      caller.interrupt();
      caller.join(TimeUnit.SECONDS.toMillis(5));
      assertInstanceOf(MemoLockInterruptedException.class, thrown.get());
      assertEquals(Boolean.TRUE, flagged.get(), "the interrupt flag is set again");
      Leftovers.await("the abandoned wait left", () -> engine(lock).activeFlights() == 1);
      release.countDown();
      assertEquals("v-held", holder.get(5, TimeUnit.SECONDS));
    }
    Leftovers.assertNone(lock, redis, "bulk/notif:held", "bulk/fail:held");
    assertEquals("v-mine", redis.get("bulk:mine"), "a computation already running finishes");
  }

  @Test
  void closingDuringTheCallFailsEachPendingIdAsClosed() throws Exception {
    MemoLock<String> lock = memoLock(redis, "bulk");
    redis.set("bulk:hit", "cached");
    CountDownLatch computing = new CountDownLatch(2);
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Map<String, String>> call =
          executor.submit(
              () ->
                  lock.getAll(
                      List.of("hit", "p1", "p2"),
                      LONG,
                      (id, lease) -> {
                        computing.countDown();
                        new CountDownLatch(1).await(); // until close() interrupts it
                        return count(id);
                      }));
      assertTrue(computing.await(5, TimeUnit.SECONDS));
      lock.close();
      java.util.concurrent.ExecutionException thrown =
          assertThrows(
              java.util.concurrent.ExecutionException.class, () -> call.get(5, TimeUnit.SECONDS));
      BulkGetException e = assertInstanceOf(BulkGetException.class, thrown.getCause());
      assertEquals(List.of("p1", "p2"), new ArrayList<>(e.failures().keySet()));
      assertInstanceOf(MemoLockClosedException.class, e.failures().get("p1"));
      assertEquals(Map.of("hit", "cached"), e.<String>values());
    }
    assertThrows(
        MemoLockClosedException.class, () -> lock.getAll(List.of("a"), LONG, (id, l) -> count(id)));
    assertEquals(0, engine(lock).activeFlights());
  }

  @Test
  void missesAreComputedConcurrently() {
    MemoLock<String> lock = memoLock(redis, "bulk");
    CountDownLatch allComputing = new CountDownLatch(10);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.add("cold" + i);
    }
    // Each computation waits for all ten to be running: sequential computations would time out.
    Map<String, String> values =
        lock.getAll(
            ids,
            LONG,
            (id, lease) -> {
              allComputing.countDown();
              if (!allComputing.await(5, TimeUnit.SECONDS)) {
                throw new AssertionError("the computations did not run concurrently");
              }
              return count(id);
            });
    assertEquals(10, values.size());
    assertEquals("v-cold3", values.get("cold3"));
  }

  @Test
  void oneComputationPerIdAcrossTwoInstances() throws Exception {
    MemoLock<String> a = memoLock(client(), "bulk");
    MemoLock<String> b = memoLock(client(), "bulk");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ids.add("k" + i);
    }
    List<String> reversed = new ArrayList<>(ids);
    java.util.Collections.reverse(reversed);
    IdComputation<String> slow =
        (id, lease) -> {
          Thread.sleep(50); // long enough for the other instance to find the lock held
          return count(id);
        };
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      CountDownLatch go = new CountDownLatch(1);
      Future<Map<String, String>> fromA =
          executor.submit(
              () -> {
                go.await();
                return a.getAll(ids, LONG, slow);
              });
      Future<Map<String, String>> fromB =
          executor.submit(
              () -> {
                go.await();
                return b.getAll(reversed, LONG, slow);
              });
      go.countDown();
      Map<String, String> va = fromA.get(20, TimeUnit.SECONDS);
      Map<String, String> vb = fromB.get(20, TimeUnit.SECONDS);
      assertEquals(ids, new ArrayList<>(va.keySet()));
      assertEquals(reversed, new ArrayList<>(vb.keySet()));
      for (String id : ids) {
        assertEquals("v-" + id, va.get(id));
        assertEquals("v-" + id, vb.get(id));
        assertEquals(1, computations(id), "computations of " + id);
      }
    }
    Leftovers.assertNone(a, redis);
    Leftovers.assertNone(b, redis);
  }

  @Test
  void theDefaultImplementationServesOtherMemoLocks() {
    MemoLock<String> plain = new Forwarding(memoLock(redis, "bulk"));
    redis.set("bulk:hit", "cached");
    Map<String, String> values =
        plain.getAll(List.of("x", "hit", "x", "y"), LONG, (id, lease) -> count(id));
    assertEquals(List.of("x", "hit", "y"), new ArrayList<>(values.keySet()));
    assertEquals("cached", values.get("hit"));
    assertEquals(1, computations("x"));
    BulkGetException e =
        assertThrows(
            BulkGetException.class,
            () ->
                plain.getAll(
                    List.of("z", "gone"),
                    LONG,
                    (id, lease) ->
                        id.equals("gone") ? Computed.absent(Duration.ofMinutes(1)) : count(id)));
    assertInstanceOf(AbsentValueException.class, e.failures().get("gone"));
    assertEquals(
        Optional.empty(),
        plain.findAll(List.of("gone"), LONG, (id, lease) -> count(id)).get("gone"));
    assertThrows(
        IllegalArgumentException.class,
        () -> plain.getAll(Arrays.asList("a", null), LONG, (id, lease) -> count(id)));
  }

  // ---------------------------------------------------------------- helpers

  private static Engine<?> engine(MemoLock<?> lock) {
    return (Engine<?>) lock;
  }

  /** @return the calls of these commands the server has run (INFO commandstats) */
  @SuppressWarnings("deprecation")
  private static long calls(UnifiedJedis redis, String... commands) {
    Object reply = redis.sendCommand(Protocol.Command.INFO, "commandstats");
    String info =
        reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
    long sum = 0;
    for (String command : commands) {
      Matcher m =
          Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(info);
      if (m.find()) {
        sum += Long.parseLong(m.group(1));
      }
    }
    return sum;
  }

  /** A storage that reads one value at a time (the SPI's default). */
  private record OneAtATime(Storage<String> inner) implements Storage<String> {
    @Override
    public String redisType() {
      return inner.redisType();
    }

    @Override
    public @Nullable String read(UnifiedJedis redis, byte[] key) {
      return inner.read(redis, key);
    }

    @Override
    public Write encode(String value) {
      return inner.encode(value);
    }

    @Override
    public String writeScript() {
      return inner.writeScript();
    }

    @Override
    public @Nullable String fromNotification(byte[] payload) {
      return inner.fromNotification(payload);
    }
  }

  /** A MemoLock of its own that forwards everything but the bulk gets (the interface's default). */
  private record Forwarding(MemoLock<String> inner) implements MemoLock<String> {
    @Override
    public String get(String id, Duration timeout, Computation<String> computation) {
      return inner.get(id, timeout, computation);
    }

    @Override
    public Optional<String> find(String id, Duration timeout, Computation<String> computation) {
      return inner.find(id, timeout, computation);
    }

    @Override
    public String getExternal(String id, Duration timeout, Trigger trigger) {
      return inner.getExternal(id, timeout, trigger);
    }

    @Override
    public Optional<String> getIfPresent(String id) {
      return inner.getIfPresent(id);
    }

    @Override
    public <R> Optional<R> readIfPresent(String id, Storage.Reader<R> reader) {
      return inner.readIfPresent(id, reader);
    }

    @Override
    public void put(String id, String value, Duration ttl) {
      inner.put(id, value, ttl);
    }

    @Override
    public void invalidate(String id) {
      inner.invalidate(id);
    }

    @Override
    public Metrics metrics() {
      return inner.metrics();
    }

    @Override
    public String tag() {
      return inner.tag();
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
