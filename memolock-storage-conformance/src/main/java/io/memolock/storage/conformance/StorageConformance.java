package io.memolock.storage.conformance;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.AbsentValueException;
import io.memolock.CodecException;
import io.memolock.Computation;
import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.MemoLockException;
import io.memolock.spi.KeyScheme;
import io.memolock.testkit.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * The conformance suite of a MemoLock storage: the same jqwik properties for every storage
 * module, against a real {@code redis-server} ({@link TestRedis#shared()}, one per test JVM).
 *
 * <p>A storage module extends this class in a test class named {@code *Properties} and says what
 * its values look like ({@link #values()}, {@link #emptyValue()}), which partial reads it offers
 * ({@link #partialReads()}) and how to damage its layout ({@link #writeWrongType}, {@link
 * #writeCorrupt}). Every property runs two MemoLock instances on two clients, as two processes
 * would. Ids are unique per try, so nothing is flushed between tries.
 *
 * <p>jqwik is its own engine: no Jupiter extension applies here, only the static assertions of
 * {@code org.junit.jupiter.api.Assertions} are used.
 *
 * @param <V> the storage's value type; its {@code equals} must compare contents
 */
public abstract class StorageConformance<V> extends ConformanceFixture<V> {
  @BeforeProperty
  void openInstances() {
    admin = track(newClient());
    first = track(newMemoLock(track(newClient())));
    second = track(newMemoLock(track(newClient())));
  }

  @AfterProperty
  void closeInstances() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    opened.clear();
  }

  // ------------------------------------------------------------------ generators

  @Provide
  Arbitrary<V> anyValue() {
    return values();
  }

  @Provide
  Arbitrary<PartialRead<V, ?>> anyPartialRead() {
    return partialReads();
  }

  @Provide
  Arbitrary<Optional<V>> anyOutcome() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, values().map(Optional::of)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(Optional.<V>empty())));
  }

  // ------------------------------------------------------------------ properties

  @Property(tries = 40)
  void aComputedValueRoundTripsThroughRedis(@ForAll("anyValue") V value) {
    String id = newId();
    AtomicInteger runs = new AtomicInteger();
    assertEquals(value, first().get(id, TIMEOUT, counting(runs, Computed.of(value))));
    assertEquals(Optional.of(value), second().getIfPresent(id), "another instance reads it");
    assertEquals(value, second().get(id, TIMEOUT, counting(runs, Computed.of(value))));
    assertEquals(Optional.of(value), second().find(id, TIMEOUT, counting(runs, Computed.absent())));
    assertEquals(1, runs.get(), "computed once");
    assertFalse(admin().exists(keys(id).lock()), "the lock is released");
  }

  @Property(tries = 25)
  void aBatchedReadAgreesWithSingleReadsKeyByKey(
      @ForAll("anyValue") V a, @ForAll("anyValue") V b) {
    if (!storage().readsInBatches()) {
      assertThrows(
          UnsupportedOperationException.class,
          () -> storage().readAll(admin(), List.of(keys(newId()).value().getBytes(UTF_8))),
          "a storage that does not read in batches says so");
      return;
    }
    List<String> ids = idsReadTogether(3);
    String idA = ids.get(0);
    String idB = ids.get(1);
    String missing = ids.get(2);
    first().put(idA, a, Duration.ofSeconds(30));
    first().put(idB, b, Duration.ofSeconds(30));
    List<byte[]> keys = new ArrayList<>();
    for (String id : List.of(idA, missing, idB, idA)) {
      keys.add(keys(id).value().getBytes(UTF_8));
    }
    List<V> batch = storage().readAll(admin(), keys);
    assertEquals(4, batch.size(), "one entry per key");
    for (int i = 0; i < keys.size(); i++) {
      assertEquals(storage().read(admin(), keys.get(i)), batch.get(i), "entry " + i);
    }
    assertEquals(Arrays.asList(a, null, b, a), batch);
  }

  @Property(tries = 25)
  void aPutValueIsReadBackByEveryInstance(@ForAll("anyValue") V value) {
    String id = newId();
    first().put(id, value, Duration.ofSeconds(30));
    assertEquals(Optional.of(value), second().getIfPresent(id));
    assertEquals(value, second().get(id, TIMEOUT, l -> Computed.absent()));
  }

  @Property(tries = 20)
  void theComputationsTtlIsHonouredForValuesAndAbsences(
      @ForAll("anyOutcome") Optional<V> outcome,
      @ForAll @IntRange(min = 1_500, max = 86_400_000) int ttlMs) {
    String id = newId();
    Duration ttl = Duration.ofMillis(ttlMs);
    Optional<V> found =
        first()
            .find(
                id,
                TIMEOUT,
                l -> outcome.map(v -> Computed.of(v, ttl)).orElseGet(() -> Computed.absent(ttl)));
    assertEquals(outcome, found);
    KeyScheme.Keys keys = keys(id);
    String holder = outcome.isPresent() ? keys.value() : keys.failure();
    long pttl = admin().pttl(holder);
    assertTrue(pttl > ttlMs - 1_000 && pttl <= ttlMs, holder + " PTTL " + pttl + " for " + ttlMs);
    assertFalse(admin().exists(keys.lock()), "the lock is released");
  }

  @Example
  void valuesAndAbsencesPastTheirTtlAreComputedAgain() throws InterruptedException {
    V value = values().sample();
    String valueId = newId();
    String absentId = newId();
    first().get(valueId, TIMEOUT, l -> Computed.of(value, Duration.ofMillis(60)));
    first().find(absentId, TIMEOUT, l -> Computed.absent(Duration.ofMillis(60)));
    Thread.sleep(150);
    AtomicInteger runs = new AtomicInteger();
    assertEquals(Optional.empty(), second().getIfPresent(valueId));
    assertEquals(value, second().get(valueId, TIMEOUT, counting(runs, Computed.of(value))));
    assertEquals(value, second().get(absentId, TIMEOUT, counting(runs, Computed.of(value))));
    assertEquals(2, runs.get());
  }

  @Property(tries = 10)
  void anEmptyValueIsAValueNotAnAbsence(@ForAll("anyPartialRead") PartialRead<V, ?> partial) {
    V empty = emptyValue();
    String id = newId();
    AtomicInteger runs = new AtomicInteger();
    assertEquals(empty, first().get(id, TIMEOUT, counting(runs, Computed.of(empty))));
    assertTrue(admin().exists(keys(id).value()), "an empty value still has its key");
    assertEquals(Optional.of(empty), second().getIfPresent(id));
    assertEquals(Optional.of(empty), second().find(id, TIMEOUT, counting(runs, Computed.absent())));
    assertPartialAgrees(partial, id, empty);
    assertEquals(1, runs.get());
  }

  @Property(tries = 10)
  void anAbsenceIsCachedAndEveryReadSeesIt(@ForAll("anyPartialRead") PartialRead<V, ?> partial) {
    String id = newId();
    AtomicInteger runs = new AtomicInteger();
    Computation<V> absent = counting(runs, Computed.absent(Duration.ofSeconds(30)));
    assertEquals(Optional.empty(), first().find(id, TIMEOUT, absent));
    assertEquals(Optional.empty(), second().find(id, TIMEOUT, absent));
    assertEquals(Optional.empty(), second().getIfPresent(id));
    assertEquals(Optional.empty(), partial.ifPresent(second(), id));
    assertEquals(Optional.empty(), partial.find(second(), id, TIMEOUT, absent));
    AbsentValueException e =
        assertThrows(AbsentValueException.class, () -> second().get(id, TIMEOUT, absent));
    assertEquals(id, e.id());
    assertEquals(1, runs.get(), "the absence was computed once and cached");
    assertFalse(admin().exists(keys(id).value()), "an absence is not a value");
  }

  @Property(tries = 5)
  void aStampedeRunsOneComputation(@ForAll("anyOutcome") Optional<V> outcome) throws Exception {
    String id = newId();
    AtomicInteger runs = new AtomicInteger();
    Computation<V> slow =
        lease -> {
          runs.incrementAndGet();
          Thread.sleep(50);
          return outcome.map(Computed::of).orElseGet(Computed::absent);
        };
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Optional<V>>> results = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (MemoLock<V> lock : List.of(first(), second())) {
        for (int i = 0; i < 16; i++) {
          results.add(
              threads.submit(
                  () -> {
                    start.await();
                    return lock.find(id, TIMEOUT, slow);
                  }));
        }
      }
      start.countDown();
      for (Future<Optional<V>> result : results) {
        assertEquals(outcome, result.get(20, TimeUnit.SECONDS));
      }
    }
    assertEquals(1, runs.get(), "one computation for 32 callers in two instances");
  }

  @Property(tries = 40)
  void aPartialReadAgreesWithTheFullRead(
      @ForAll("anyValue") V value, @ForAll("anyPartialRead") PartialRead<V, ?> partial) {
    String id = newId();
    first().get(id, TIMEOUT, l -> Computed.of(value));
    V full = second().getIfPresent(id).orElseThrow();
    assertEquals(value, full);
    assertPartialAgrees(partial, id, full);
  }

  @Property(tries = 20)
  void aPartialReadOfAColdResourceComputesTheWholeValueOnce(
      @ForAll("anyValue") V value, @ForAll("anyPartialRead") PartialRead<V, ?> partial) {
    String id = newId();
    AtomicInteger runs = new AtomicInteger();
    assertPartialFinds(partial, first(), id, counting(runs, Computed.of(value)), value);
    assertPartialFinds(partial, second(), id, counting(runs, Computed.of(value)), value);
    assertEquals(Optional.of(value), second().getIfPresent(id), "the whole value was stored");
    assertEquals(1, runs.get());
  }

  @Example
  void aKeyOfTheWrongRedisTypeGivesAClearExceptionAndIsLeftAlone() {
    String id = newId();
    KeyScheme.Keys keys = keys(id);
    byte[] key = utf8(keys.value());
    writeWrongType(admin(), key);
    byte[] before = admin().dump(key);
    String type = admin().type(key);
    assertFalse(type.equals(storage().redisType()), "writeWrongType wrote a " + type);
    AtomicInteger runs = new AtomicInteger();
    Computation<V> computation = counting(runs, Computed.absent());
    PartialRead<V, ?> partial = partialReads().sample();
    List<MemoLockException> failures =
        List.of(
            assertThrows(MemoLockException.class, () -> first().get(id, TIMEOUT, computation)),
            assertThrows(MemoLockException.class, () -> first().find(id, TIMEOUT, computation)),
            assertThrows(MemoLockException.class, () -> second().getIfPresent(id)),
            assertThrows(MemoLockException.class, () -> partial.ifPresent(second(), id)),
            assertThrows(
                MemoLockException.class, () -> partial.find(second(), id, TIMEOUT, computation)));
    for (MemoLockException e : failures) {
      assertFalse(e instanceof CodecException, "not a decoding problem: " + e);
      String message = String.valueOf(e.getMessage());
      assertTrue(
          message.contains("key '" + keys.value() + "' holds a " + type)
              && message.contains("a " + storage().redisType() + " is expected"),
          message);
      assertEquals(id, e.id());
    }
    assertEquals(0, runs.get());
    assertArrayEquals(before, admin().dump(key), "Redis is left as it was");
    assertFalse(admin().exists(keys.lock()), "no lock was taken");
  }

  @Example
  void corruptBytesGiveACodecExceptionAndAreLeftAlone() {
    String id = newId();
    KeyScheme.Keys keys = keys(id);
    byte[] key = utf8(keys.value());
    writeCorrupt(admin(), key);
    byte[] before = admin().dump(key);
    AtomicInteger runs = new AtomicInteger();
    Computation<V> computation = counting(runs, Computed.absent());
    CodecException e =
        assertThrows(CodecException.class, () -> first().get(id, TIMEOUT, computation));
    assertEquals(id, e.id());
    assertEquals(TAG, e.tag());
    assertInstanceOf(
        CodecException.class, assertThrows(CodecException.class, () -> second().getIfPresent(id)));
    assertThrows(CodecException.class, () -> second().find(id, TIMEOUT, computation));
    assertEquals(0, runs.get());
    assertArrayEquals(before, admin().dump(key), "Redis is left as it was");
    assertFalse(admin().exists(keys.lock()), "no lock was taken");
  }

  @Provide
  Arbitrary<byte[]> anyHostileBytes() {
    return hostileBytes();
  }

  @Property(tries = 150)
  void hostileBytesFromAForeignWriterReadAsAValueOrACodecException(
      @ForAll("anyHostileBytes") byte[] bytes, @ForAll("anyPartialRead") PartialRead<V, ?> partial) {
    String id = newId();
    writeHostile(admin(), utf8(keys(id).value()), bytes);
    HostileReads.readAsAValueOrACodecException(
        storage(), admin(), keys(id), bytes, first(), id, partial);
  }
}
