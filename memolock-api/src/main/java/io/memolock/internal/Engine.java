package io.memolock.internal;

import io.memolock.AbsentValueException;
import io.memolock.CodecException;
import io.memolock.ComputationFailedException;
import io.memolock.Computation;
import io.memolock.Computed;
import io.memolock.FailurePolicy;
import io.memolock.Lease;
import io.memolock.LeaseLostException;
import io.memolock.MemoLock;
import io.memolock.MemoLockClosedException;
import io.memolock.MemoLockException;
import io.memolock.MemoLockInterruptedException;
import io.memolock.MemoLockTimeoutException;
import io.memolock.Metrics;
import io.memolock.Trigger;
import io.memolock.spi.KeyScheme;
import io.memolock.spi.Storage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The protocol engine behind {@link MemoLock}. Thread-safe.
 *
 * <p>Callers of one id in this process share a <em>flight</em>: the first caller reads the value
 * (one round trip shared by everyone who joins meanwhile); on a miss a virtual thread takes the
 * flight over and either computes under the Redis lock or listens on the notification channel,
 * re-checks, and waits. Callers only ever wait on the flight's future with their own timeout, so a
 * caller's timeout or interrupt never disturbs the others.
 *
 * @param <V> the value type
 */
public final class Engine<V> implements MemoLock<V> {
  /** Extra wait beyond a lock's remaining TTL before re-checking for a vanished holder. */
  private static final long EXPIRY_SLACK_MS = 5;

  /** A computing flight with this many callers listens to its own notification (see compute). */
  private static final int LISTEN_WHEN_WAITED_ON_BY = 32;

  /** How often a listening waiter retries while Redis is unreachable. */
  private static final long OUTAGE_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /**
   * What the failure key holds, and the failure channel carries, for a resource cached as absent.
   * A failure's payload is a class name, which never starts with NUL.
   */
  private static final byte[] ABSENT_PAYLOAD = utf8("\0absent");

  private final UnifiedJedis redis;
  private final Storage<V> storage;
  private final Settings settings;
  private final String tag;
  private final SharedClient shared;
  private final Scripts.Script storeScript;
  private final Renewer renewer;
  private final @Nullable Batcher batcher;
  private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();
  /** Early recomputations in progress (see {@link #refresh}); not in {@link #flights}. */
  private final Set<Flight> refreshes = ConcurrentHashMap.newKeySet();
  private final byte[] lockTimeoutMs;
  private volatile boolean closed;

  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder computations = new LongAdder();
  private final LongAdder waits = new LongAdder();
  private final LongAdder wakeUps = new LongAdder();
  private final LongAdder timeouts = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder takeovers = new LongAdder();
  private final LongAdder coalesced = new LongAdder();
  private final WaitHistogram waitTime = new WaitHistogram();
  private final Incidents incidents = new Incidents();

  /**
   * @param redis the client
   * @param storage the storage
   * @param settings validated options
   */
  public Engine(UnifiedJedis redis, Storage<V> storage, Settings settings) {
    this.redis = redis;
    this.storage = storage;
    this.settings = settings;
    this.tag = settings.tag();
    this.storeScript = Scripts.store(storage.writeScript());
    this.lockTimeoutMs = ascii(settings.lockTimeout().toMillis());
    this.shared = SharedClient.acquire(redis, settings.maxConcurrentCommands());
    this.renewer = new Renewer();
    this.batcher =
        storage.readsInBatches() && redis instanceof RedisClient ? new Batcher() : null;
    if (batcher != null) {
      shared.addDrainer(batcher);
    }
  }

  // ---------------------------------------------------------------- public API

  @Override
  public V get(String id, Duration timeout, Computation<V> computation) {
    Objects.requireNonNull(computation, "computation");
    return request(id, timeout, computation, null)
        .orElseThrow(() -> new AbsentValueException(tag, id));
  }

  @Override
  public Optional<V> find(String id, Duration timeout, Computation<V> computation) {
    Objects.requireNonNull(computation, "computation");
    return request(id, timeout, computation, null);
  }

  @Override
  public V getExternal(String id, Duration timeout, Trigger trigger) {
    Objects.requireNonNull(trigger, "trigger");
    return request(id, timeout, null, trigger)
        .orElseThrow(() -> new AbsentValueException(tag, id));
  }

  @Override
  public Optional<V> getIfPresent(String id) {
    Keys keys = keys(id);
    ensureOpen(id);
    return Optional.ofNullable(read(keys));
  }

  @Override
  public <R> Optional<R> readIfPresent(String id, Storage.Reader<R> reader) {
    Objects.requireNonNull(reader, "reader");
    Keys keys = keys(id);
    ensureOpen(id);
    return Optional.ofNullable(call(id, () -> decoding(() -> reader.read(redis, keys.value))));
  }

  @Override
  public void put(String id, V value, Duration ttl) {
    Objects.requireNonNull(value, "value");
    Durations.check(ttl, 1, "ttl");
    Keys keys = keys(id);
    ensureOpen(id);
    Storage.Write write = encode(id, value);
    call(id, () -> store(keys, new byte[0], write, ttl.toMillis()));
  }

  @Override
  public void invalidate(String id) {
    Keys keys = keys(id);
    ensureOpen(id);
    call(id, () -> redis.del(keys.value, keys.failure()));
  }

  @Override
  public Metrics metrics() {
    return new Metrics(
        hits.sum(),
        misses.sum(),
        computations.sum(),
        waits.sum(),
        wakeUps.sum(),
        timeouts.sum(),
        failures.sum(),
        takeovers.sum(),
        coalesced.sum(),
        waitTime.snapshot(),
        incidents.count(Incidents.Kind.STORE),
        incidents.count(Incidents.Kind.RELEASE) + incidents.count(Incidents.Kind.ANNOUNCE),
        incidents.count(Incidents.Kind.RENEWAL),
        shared.subscriber.errors(),
        incidents.count(Incidents.Kind.NOTIFICATION));
  }

  @Override
  public String tag() {
    return tag;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Flight flight : List.copyOf(flights.values())) {
      flight.close();
    }
    for (Flight flight : List.copyOf(refreshes)) {
      flight.close();
    }
    renewer.wake();
    if (batcher != null) {
      shared.removeDrainer(batcher);
    }
    shared.release();
  }

  /** @return reads served in batches of two or more (for tests and benchmarks) */
  public long batchedReads() {
    return batcher == null ? 0 : batcher.batched.sum();
  }

  /** @return flights in progress (for tests of cleanup paths) */
  public int activeFlights() {
    return flights.size();
  }

  /** @return channels the shared subscriber holds state for (for tests of cleanup paths) */
  public int subscribedChannels() {
    return shared.subscriber.channelCount();
  }

  /** @return how often the shared subscriber connected (for tests of reconnection) */
  public long subscriberConnects() {
    return shared.subscriber.connects();
  }

  /** @return the shared subscriber connection of this client (for the local tier's hooks) */
  public Subscriber subscriber() {
    return shared.subscriber;
  }

  // ---------------------------------------------------------------- hooks for io.memolock.local

  /**
   * Recomputes a value before it expires (the local tier's probabilistic early refresh). Takes the
   * lock although the value exists ({@code SET NX PX}), but only while the value still expires
   * within {@code expiresWithin} (so a value another process has just refreshed is left alone);
   * then runs the computation on the calling thread and stores, publishes and releases exactly as a
   * normal computation does. Callers of {@link #get} are not held up meanwhile: they keep reading
   * the current value.
   *
   * @param id the resource id
   * @param expiresWithin refresh only if the value's remaining TTL is at most this; a value with no
   *     TTL is never refreshed, a missing one always is
   * @param computation computes the new value
   * @return {@code true} if this call took the lock and ran the computation, {@code false} if the
   *     lock was held or the value did not need refreshing
   * @throws ComputationFailedException if the computation failed (announced and released as for
   *     {@link #get})
   * @throws MemoLockException when Redis fails or the MemoLock is closed
   */
  public boolean refresh(String id, Duration expiresWithin, Computation<V> computation) {
    Objects.requireNonNull(expiresWithin, "expiresWithin");
    Objects.requireNonNull(computation, "computation");
    Keys keys = keys(id);
    ensureOpen(id);
    byte[] token = newToken();
    Object taken =
        call(
            id,
            () ->
                Scripts.REFRESH.run(
                    redis,
                    List.of(keys.value, keys.lock()),
                    List.of(token, lockTimeoutMs, ascii(Math.max(0, saturatedMillis(expiresWithin))))));
    if (!Long.valueOf(1).equals(taken)) {
      return false;
    }
    // An unregistered flight: compute() runs the normal computation path (lease, renewal, store +
    // publish + release, or announce the failure) without callers joining it.
    Flight flight = new Flight(id, keys, computation, null);
    flight.thread = Thread.currentThread();
    refreshes.add(flight);
    try {
      if (closed) {
        flight.release(token);
        flight.fail(new MemoLockClosedException(tag, id));
      } else {
        flight.compute(token, false);
      }
    } finally {
      refreshes.remove(flight);
    }
    try {
      flight.result.join();
      return true;
    } catch (CompletionException e) {
      throw e.getCause() instanceof MemoLockException m
          ? m
          : new MemoLockException(tag, id, "unexpected failure", e.getCause());
    }
  }

  /** @return the Redis client */
  public UnifiedJedis client() {
    return redis;
  }

  /** @return the validated options */
  public Settings settings() {
    return settings;
  }

  /**
   * Runs Redis commands within the bound on concurrent commands shared by every MemoLock on this
   * client, translating failures into {@link MemoLockException}s about {@code id}.
   */
  public <T> T command(String id, Supplier<T> command) {
    return call(id, command);
  }

  // ---------------------------------------------------------------- caller side

  private Optional<V> request(
      String id, Duration timeout, @Nullable Computation<V> computation, @Nullable Trigger trigger) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    Keys keys = keys(id);
    ensureOpen(id);
    long start = System.nanoTime();
    long deadline = start + saturatedNanos(timeout);
    boolean hit = false;
    try {
      while (true) {
        Flight flight = flights.get(id);
        boolean leader = false;
        if (flight == null) {
          Flight created = new Flight(id, keys, computation, trigger);
          flight = flights.putIfAbsent(id, created);
          if (flight == null) {
            flight = created;
            leader = true;
          }
        }
        flight.join(deadline);
        if (leader) {
          flight.begin(deadline);
        } else {
          coalesced.increment();
        }
        try {
          Optional<V> value = await(flight, id, timeout, start, deadline);
          hit = flight.outcome == Outcome.HIT;
          return value;
        } catch (RetryException retry) {
          // The flight ended for reasons of its own callers (all gone): start again.
        }
      }
    } finally {
      // Every request counts once, whatever its end: a hit only when its first read served it.
      if (hit) {
        hits.increment();
      } else {
        misses.increment();
      }
    }
  }

  private Optional<V> await(
      Flight flight, String id, Duration timeout, long start, long deadline) {
    try {
      Optional<V> value =
          flight.result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (flight.outcome == Outcome.WAITED) {
        waits.increment();
        waitTime.record((System.nanoTime() - start) / 1_000);
      }
      return value;
    } catch (TimeoutException e) {
      flight.leave();
      timeouts.increment();
      throw new MemoLockTimeoutException(tag, id, timeout, flight.phase);
    } catch (InterruptedException e) {
      flight.leave();
      Thread.currentThread().interrupt();
      throw new MemoLockInterruptedException(tag, id, e);
    } catch (CancellationException e) {
      throw new MemoLockClosedException(tag, id);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RetryException retry) {
        if (Thread.currentThread().isInterrupted()) {
          throw new MemoLockInterruptedException(tag, id, new InterruptedException());
        }
        if (System.nanoTime() - deadline < 0) {
          throw retry;
        }
        timeouts.increment();
        throw new MemoLockTimeoutException(tag, id, timeout, flight.phase);
      }
      throw failure(id, cause);
    }
  }

  // ---------------------------------------------------------------- Redis access

  /**
   * The names of one resource, encoded once: the value key at once (all that a hit needs), the
   * others on the first miss. Thread-safe.
   */
  private final class Keys {
    final String id;
    final String valueName;
    final byte[] value;
    private volatile @Nullable Names names;

    Keys(String id) {
      this.id = id;
      this.valueName = settings.keyScheme().valueKey(tag, id);
      this.value = utf8(valueName);
    }

    Names names() {
      Names n = names;
      if (n == null) {
        KeyScheme.Keys k = settings.keyScheme().keys(tag, id);
        if (!valueName.equals(k.value())) {
          throw new IllegalStateException(
              "the key scheme names the value key of '"
                  + id
                  + "' both '"
                  + valueName
                  + "' (valueKey) and '"
                  + k.value()
                  + "' (keys): they must agree");
        }
        n =
            new Names(
                utf8(k.lock()),
                utf8(k.failure()),
                k.notification(),
                k.failure(),
                List.of(k.notification(), k.failure()));
        names = n;
      }
      return n;
    }

    byte[] lock() {
      return names().lock;
    }

    byte[] failure() {
      return names().failure;
    }
  }

  /** The names beyond the value key. */
  private record Names(
      byte[] lock,
      byte[] failure,
      String notifyChannel,
      String failureChannel,
      List<String> channels) {}

  private Keys keys(String id) {
    validateId(id);
    return new Keys(id);
  }

  private static void validateId(String id) {
    Objects.requireNonNull(id, "id");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("id must not be empty");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < id.length()
          && Character.isLowSurrogate(id.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            "id must be well-formed Unicode: unpaired surrogate at index " + i);
      }
    }
  }

  private void ensureOpen(@Nullable String id) {
    if (closed) {
      throw new MemoLockClosedException(tag, id);
    }
  }

  /**
   * What callers see of any throwable: a MemoLockException as it is, anything else (a bug in a
   * storage, a codec or a trigger, an Error) wrapped in one that names the resource.
   */
  private MemoLockException failure(String id, Throwable t) {
    return t instanceof MemoLockException m
        ? m
        : new MemoLockException(tag, id, "unexpected failure: " + t, t);
  }

  /**
   * Runs a storage's read (a command and the decoding of its reply). A Redis failure or one of
   * ours passes through; anything else a storage or codec throws (an {@code
   * IllegalStateException} of a third-party codec, a {@code StackOverflowError} on hostile bytes)
   * is a decoding failure, reported as a {@link CodecException} with the throwable as its cause.
   */
  private static <T> T decoding(Supplier<T> read) {
    try {
      return read.get();
    } catch (JedisException | MemoLockException e) {
      throw e;
    } catch (Throwable t) {
      throw new CodecException(null, null, String.valueOf(t), t);
    }
  }

  /** Reads a value; concurrent reads may share one round trip (see {@link Batcher}). */
  private @Nullable V read(Keys keys) {
    return batcher != null ? batcher.read(keys) : readDirect(keys);
  }

  /** Reads a value with a command of its own, so that a wrong type is reported as such. */
  private @Nullable V readDirect(Keys keys) {
    return call(keys.id, () -> decoding(() -> storage.read(redis, keys.value)));
  }

  private Storage.Write encode(String id, V value) {
    try {
      return storage.encode(value);
    } catch (CodecException e) {
      throw new CodecException(tag, id, "cannot encode the value: " + e.getMessage(), e);
    } catch (RuntimeException | StackOverflowError e) {
      throw new CodecException(tag, id, "cannot encode the value: " + e, e);
    }
  }

  /** Runs one Redis command within the bound on concurrent commands, translating failures. */
  private <T> T call(String id, Supplier<T> command) {
    try {
      shared.permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MemoLockInterruptedException(tag, id, e);
    }
    try {
      return callHeld(id, command);
    } finally {
      releasePermit();
    }
  }

  /** Gives a permit back, then lets queued reads of this client ride on it (see {@link Batcher}). */
  private void releasePermit() {
    shared.permits.release();
    shared.afterCommand();
  }

  /** Runs one Redis command under a permit the caller holds, translating failures. */
  private <T> T callHeld(String id, Supplier<T> command) {
    try {
      try {
        return command.get();
      } catch (JedisConnectionException stale) {
        if (Thread.currentThread().isInterrupted()) {
          throw stale;
        }
        // A pooled connection may have died with an earlier server (restart, CLIENT KILL):
        // the pool drops it, and one more attempt on a fresh connection tells whether Redis
        // is really unreachable. Every command here is safe to repeat.
        return command.get();
      }
    } catch (CodecException e) {
      throw new CodecException(tag, id, "cannot decode the stored value: " + e.getMessage(), e);
    } catch (JedisConnectionException e) {
      if (Thread.currentThread().isInterrupted()) {
        // A virtual thread's socket is closed when the thread is interrupted during I/O.
        InterruptedException interrupt = new InterruptedException("interrupted during a command");
        interrupt.initCause(e);
        throw new MemoLockInterruptedException(tag, id, interrupt);
      }
      throw new MemoLockException(tag, id, "Redis is unreachable: " + e.getMessage(), e);
    } catch (JedisDataException e) {
      String message = String.valueOf(e.getMessage());
      if (message.startsWith("WRONGTYPE")) {
        throw wrongType(id, e);
      }
      throw new MemoLockException(tag, id, "Redis rejected a command: " + message, e);
    } catch (JedisException e) {
      throw new MemoLockException(tag, id, "Redis client failure: " + e.getMessage(), e);
    }
  }

  /**
   * Names the key of this resource that holds another Redis type than expected (one {@code TYPE}
   * per key, only on this error path).
   */
  private MemoLockException wrongType(String id, JedisDataException e) {
    KeyScheme.Keys k = settings.keyScheme().keys(tag, id);
    String[][] expected = {
      {k.value(), storage.redisType()}, {k.lock(), "string"}, {k.failure(), "string"}
    };
    for (String[] key : expected) {
      String actual;
      try {
        actual = redis.type(utf8(key[0]));
      } catch (JedisException ignored) {
        continue;
      }
      if (!"none".equals(actual) && !key[1].equals(actual)) {
        return new MemoLockException(
            tag,
            id,
            "wrong Redis type: key '"
                + key[0]
                + "' holds a "
                + actual
                + " where a "
                + key[1]
                + " is expected ("
                + storage.getClass().getSimpleName()
                + "); Redis was left as it was",
            e);
      }
    }
    return new MemoLockException(
        tag, id, "a key of this resource holds the wrong Redis type: " + e.getMessage(), e);
  }

  private boolean store(Keys keys, byte[] token, Storage.Write write, long ttlMs) {
    List<byte[]> args = new ArrayList<>(4 + write.args().size());
    args.add(token);
    args.add(ascii(ttlMs));
    args.add(utf8(keys.names().notifyChannel()));
    args.add(write.payload());
    args.addAll(write.args());
    Object r = storeScript.run(redis, List.of(keys.value, keys.lock(), keys.failure()), args);
    return Long.valueOf(1).equals(r);
  }

  private boolean storeAbsence(Keys keys, byte[] token, long ttlMs) {
    Object r =
        Scripts.ABSENT.run(
            redis,
            List.of(keys.value, keys.lock(), keys.failure()),
            List.of(token, ascii(ttlMs), utf8(keys.names().failureChannel()), ABSENT_PAYLOAD));
    return Long.valueOf(1).equals(r);
  }

  private static boolean isAbsence(byte[] payload) {
    return Arrays.equals(payload, ABSENT_PAYLOAD);
  }

  /**
   * A random version-4 UUID, as the classic protocol's lock tokens are, drawn from {@link
   * ThreadLocalRandom}: tokens need to be unique, not unpredictable, and a SecureRandom draw per
   * lock costs more than the rest of the miss path's bookkeeping.
   */
  private static byte[] newToken() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (random.nextLong() & ~(0x3L << 62)) | (0x2L << 62);
    return utf8(new UUID(msb, lsb).toString());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] ascii(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  private static long saturatedMillis(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      return d.isNegative() ? 0 : Long.MAX_VALUE / 4;
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }

  private static byte[] failurePayload(Throwable t) {
    String message = t.getMessage();
    return utf8(t.getClass().getName() + (message == null ? "" : "\n" + message));
  }

  private ComputationFailedException remoteFailure(String id, byte[] payload) {
    String text = new String(payload, StandardCharsets.UTF_8);
    int nl = text.indexOf('\n');
    return nl < 0
        ? new ComputationFailedException(tag, id, text, null, null)
        : new ComputationFailedException(
            tag, id, text.substring(0, nl), text.substring(nl + 1), null);
  }

  // ---------------------------------------------------------------- flights

  enum Outcome {
    HIT,
    COMPUTED,
    WAITED
  }

  /** Signals that a flight ended without a value for its callers: they start again. */
  private static final class RetryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RetryException() {
      super(null, null, false, false);
    }
  }

  private record Event(int kind, byte[] payload) {
    static final int MESSAGE = 0;
    static final int FAILURE = 1;
    static final int RESYNC = 2;
    static final int ABANDON = 3;
    static final int CLOSE = 4;
  }

  /** All callers of one id in this process, and the work done for them. Thread-safe. */
  private final class Flight implements Subscriber.Listener {
    final String id;
    final Keys keys;
    final @Nullable Computation<V> computation;
    final @Nullable Trigger trigger;
    /** The value, or empty for a resource cached as absent. */
    final CompletableFuture<Optional<V>> result = new CompletableFuture<>();
    final AtomicInteger joiners = new AtomicInteger();
    final AtomicLong deadline = new AtomicLong(Long.MIN_VALUE);
    /**
     * What the subscriber and the callers tell the flight's thread. Made on a miss only, so a hit
     * allocates no queue; null until then.
     */
    volatile @Nullable LinkedBlockingQueue<Event> events;
    volatile Outcome outcome = Outcome.HIT;
    volatile String phase = "reading the value";
    volatile @Nullable Thread thread;
    volatile boolean computing;
    /** Set once this flight won the lock: its own notification must not complete it early. */
    volatile boolean holder;
    /** Set when the holder's store starts: from then on its notification may complete it. */
    volatile boolean storing;
    /** Registered with the subscriber; only the flight's thread reads or writes it. */
    private boolean listening;

    Flight(String id, Keys keys, @Nullable Computation<V> computation, @Nullable Trigger trigger) {
      this.id = id;
      this.keys = keys;
      this.computation = computation;
      this.trigger = trigger;
    }

    void join(long callerDeadline) {
      joiners.incrementAndGet();
      deadline.accumulateAndGet(
          callerDeadline, (a, b) -> a == Long.MIN_VALUE || b - a > 0 ? b : a);
    }

    void leave() {
      if (joiners.decrementAndGet() <= 0 && !computing) {
        tell(Event.ABANDON, new byte[0]);
      }
    }

    private void tell(int kind, byte[] payload) {
      LinkedBlockingQueue<Event> queue = events;
      if (queue != null) {
        queue.offer(new Event(kind, payload));
      }
    }

    /**
     * Called by the first caller: the shared read; on a miss, hands over to a thread. A virtual
     * caller reads on its own thread (a hit costs no thread hop) under its deadline, which
     * interrupts the read if Redis does not answer in time (see {@link CallerDeadlines}). A
     * platform thread's socket read ignores interrupts, so a platform caller hands the read to the
     * flight's thread at once and only waits on the result, with its own timeout.
     */
    void begin(long callerDeadline) {
      if (!Thread.currentThread().isVirtual()) {
        start(
            () -> {
              if (readFirst(false)) {
                run();
              }
            });
        return;
      }
      CallerDeadlines.Armed armed = shared.deadlines.arm(callerDeadline);
      boolean missed;
      try {
        missed = readFirst(true);
      } finally {
        armed.disarm();
      }
      if (missed) {
        start(this::run);
      }
    }

    /**
     * The first read of the flight.
     *
     * @param armed whether it runs under the caller's deadline (a timer interrupt means timeout)
     * @return {@code true} on a miss, when the flight goes on; {@code false} when it is complete
     */
    private boolean readFirst(boolean armed) {
      V value;
      try {
        value = read(keys);
      } catch (Throwable t) {
        // Interrupted, by the caller or by its deadline: the leader's await tells which (its
        // interrupt flag, or its passed deadline); joiners with time left start again.
        boolean interrupted =
            t instanceof MemoLockInterruptedException
                || (armed && Thread.currentThread().isInterrupted());
        fail(interrupted ? new RetryException() : failure(id, t));
        return false;
      }
      if (value != null) {
        succeed(Optional.of(value));
        return false;
      }
      outcome = Outcome.WAITED;
      phase = "waiting for the lock";
      events = new LinkedBlockingQueue<>();
      return true;
    }

    private void start(Runnable body) {
      Thread t = settings.threadFactory().newThread(body);
      thread = t;
      t.start();
    }

    /** @return whether this call completed the flight (false if it was already complete) */
    boolean succeed(Optional<V> value) {
      flights.remove(id, this);
      return result.complete(value);
    }

    /**
     * Completes the flight with a value a notification brought, counting the wake-up before the
     * callers run (so that they see it counted) and taking it back if the flight was complete.
     */
    void wakeUp(Optional<V> value) {
      wakeUps.increment();
      if (!succeed(value)) {
        wakeUps.decrement();
      }
    }

    void fail(Throwable error) {
      flights.remove(id, this);
      result.completeExceptionally(error);
    }

    void close() {
      fail(new MemoLockClosedException(tag, id));
      tell(Event.CLOSE, new byte[0]);
      Thread t = thread;
      if (computing && t != null) {
        t.interrupt();
      }
    }

    @Override
    public void onMessage(String channel, byte[] payload) {
      boolean value = channel.equals(keys.names().notifyChannel());
      if (value && trigger == null && (!holder || storing) && !result.isDone()) {
        // A payload that carries the value completes the callers here, on the subscriber's
        // thread, saving the hop through the flight's thread; that thread then only cleans up.
        // Anything else (no value in the payload, bytes that do not decode) goes the long way,
        // where failures are reported with their context. A holder's callers are completed so
        // only once its store has published (not by a foreign write during the computation).
        try {
          V decoded = storage.fromNotification(payload);
          if (decoded != null) {
            if (holder) {
              succeed(Optional.of(decoded));
            } else {
              wakeUp(Optional.of(decoded));
            }
          }
        } catch (Throwable e) {
          // Undecodable: the flight's thread re-reads the value (see handle), never here.
        }
      }
      tell(value ? Event.MESSAGE : Event.FAILURE, payload);
    }

    @Override
    public void onResync() {
      tell(Event.RESYNC, new byte[0]);
    }

    /** The flight's own thread: acquire, compute or wait, until a value or a failure. */
    void run() {
      LinkedBlockingQueue<Event> events = Objects.requireNonNull(this.events);
      boolean sawHolder = false;
      byte @Nullable [] heldToken = null;
      long outageStart = 0;
      try {
        while (!result.isDone()) {
          long now = System.nanoTime();
          long dl = deadline.get();
          if (now - dl >= 0) {
            release(heldToken);
            fail(new RetryException());
            return;
          }
          // Whatever arrived meanwhile (say, a failure published just before this re-check)
          // decides before the lock is tried again.
          Event queued;
          while (listening && (queued = events.poll()) != null) {
            if (handle(queued, heldToken)) {
              return;
            }
          }
          byte[] token = newToken();
          List<?> r;
          try {
            r =
                (List<?>)
                    call(
                        id,
                        () ->
                            Scripts.ACQUIRE.run(
                                redis,
                                List.of(keys.value, keys.lock(), keys.failure()),
                                List.of(token, lockTimeoutMs)));
            outageStart = 0;
          } catch (MemoLockException e) {
            // A listening waiter rides out a short outage (a restart, a failover): the
            // subscriber reconnects and sends RESYNC. Past one lock timeout it gives up
            // with the clear "unreachable" failure.
            if (!listening
                || !(e.getCause() instanceof JedisConnectionException)
                || Thread.currentThread().isInterrupted()) {
              throw e;
            }
            if (outageStart == 0) {
              outageStart = now;
            } else if (now - outageStart > settings.lockTimeout().toNanos()) {
              throw e;
            }
            Event ev = events.poll(Math.min(OUTAGE_RETRY_NANOS, dl - now), TimeUnit.NANOSECONDS);
            if (ev != null && ev.kind == Event.CLOSE) {
              return;
            }
            if (ev != null && ev.kind == Event.ABANDON && joiners.get() <= 0) {
              fail(new RetryException());
              return;
            }
            continue;
          }
          long kind = (Long) r.get(0);
          if (kind == 1) {
            V value = readDirect(keys);
            if (value != null) {
              release(heldToken);
              succeed(Optional.of(value));
              return;
            }
          } else if (kind == 2) {
            byte[] remembered = (byte[]) r.get(1);
            if (isAbsence(remembered)) {
              if (!listening) {
                outcome = Outcome.HIT; // the cached absence, found without waiting
              }
              release(heldToken);
              succeed(Optional.empty());
              return;
            }
            failures.increment();
            release(heldToken);
            fail(remoteFailure(id, remembered));
            return;
          } else if (kind == 0) {
            if (sawHolder) {
              takeovers.increment();
            }
            if (trigger == null) {
              compute(token, true);
              return;
            }
            if (!listening) {
              listen();
            }
            heldToken = token;
            if (!startTrigger(token)) {
              return;
            }
          } else {
            long pttl = (Long) r.get(1);
            sawHolder = heldToken == null;
            if (!listening) {
              listen();
              continue; // re-check after listening: closes the race with an earlier publish
            }
            long waitMs = pttl > 0 ? pttl + EXPIRY_SLACK_MS : settings.lockTimeout().toMillis();
            phase = "waiting for the value";
            Event e =
                events.poll(
                    Math.min(dl - now, TimeUnit.MILLISECONDS.toNanos(waitMs)),
                    TimeUnit.NANOSECONDS);
            if (e != null && handle(e, heldToken)) {
              return;
            }
          }
        }
      } catch (InterruptedException e) {
        fail(closed ? new MemoLockClosedException(tag, id) : new RetryException());
      } catch (MemoLockException | RetryException e) {
        release(heldToken);
        fail(e);
      } catch (Throwable e) {
        release(heldToken);
        fail(failure(id, e));
      } finally {
        if (listening) {
          shared.subscriber.unlisten(keys.names().channels(), this);
        }
      }
    }

    /**
     * Handles one event while waiting.
     *
     * @return {@code true} when the flight is over
     */
    private boolean handle(Event e, byte @Nullable [] heldToken) {
      switch (e.kind) {
        case Event.RESYNC -> {
          return false;
        }
        case Event.CLOSE -> {
          release(heldToken);
          return true;
        }
        case Event.ABANDON -> {
          if (joiners.get() <= 0 && heldToken == null) {
            fail(new RetryException());
            return true;
          }
          return false;
        }
        case Event.FAILURE -> {
          if (isAbsence(e.payload)) {
            wakeUps.increment();
            release(heldToken);
            succeed(Optional.empty());
            return true;
          }
          if (settings.failurePolicy() == FailurePolicy.RETRY) {
            return false;
          }
          failures.increment();
          release(heldToken);
          fail(remoteFailure(id, e.payload));
          return true;
        }
        default -> {
          if (result.isDone()) {
            return true; // completed from the subscriber's thread already
          }
          V value;
          try {
            value = storage.fromNotification(e.payload);
          } catch (Throwable t) {
            // Bytes a foreign publisher sent, or a codec's bug: this flight alone re-reads the
            // stored value, which decodes or fails its callers with a CodecException.
            incidents.report(Incidents.Kind.NOTIFICATION, tag, id, t);
            value = null;
          }
          if (value == null) {
            value = readDirect(keys);
          }
          if (value == null) {
            return false;
          }
          release(heldToken);
          wakeUp(Optional.of(value));
          return true;
        }
      }
    }

    private void listen() throws InterruptedException {
      phase = "subscribing to the notification channel";
      CompletableFuture<Void> ready = shared.subscriber.listen(keys.names().channels(), this);
      listening = true; // from here on, the finally block unregisters, whatever happens
      try {
        ready.get(Math.max(0, deadline.get() - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        throw closed
            ? new MemoLockClosedException(tag, id)
            : new MemoLockException(tag, id, "cannot subscribe", e.getCause());
      } catch (TimeoutException e) {
        if (System.nanoTime() - deadline.get() >= 0) {
          throw new RetryException(); // every caller of this flight has given up by now
        }
        throw new MemoLockException(
            tag, id, "the subscriber connection did not subscribe in time (is Redis up?)", e);
      }
    }

    private void release(byte @Nullable [] token) {
      if (token == null) {
        return;
      }
      try {
        call(id, () -> Scripts.RELEASE.run(redis, List.of(keys.lock()), List.of(token)));
      } catch (MemoLockException e) {
        incidents.report(Incidents.Kind.RELEASE, tag, id, e); // it expires by itself
      }
    }

    private boolean startTrigger(byte[] token) {
      computations.increment();
      outcome = Outcome.COMPUTED;
      phase = "waiting for the external producer";
      LeaseImpl lease = new LeaseImpl(id, keys.lock(), token);
      try {
        Objects.requireNonNull(trigger).start(lease);
        return true;
      } catch (Throwable t) {
        announceFailure(token, t);
        return false;
      }
    }

    /**
     * @param mayListen whether this runs inside {@link #run} (whose end unregisters a listener)
     */
    private void compute(byte[] token, boolean mayListen) {
      holder = true;
      computing = true;
      computations.increment();
      outcome = Outcome.COMPUTED;
      phase = "computing";
      if (mayListen && !listening && joiners.get() >= LISTEN_WHEN_WAITED_ON_BY) {
        // Many callers wait on this computation: subscribe now, without waiting for the
        // acknowledgement, so that the store's own notification wakes them on the subscriber's
        // thread, together with the other instances' waiters, instead of after this thread has
        // had its turn to read the store's reply. If the subscription is not ready in time, the
        // reply completes them as usual.
        shared.subscriber.listen(keys.names().channels(), this);
        listening = true;
      }
      LeaseImpl lease = new LeaseImpl(id, keys.lock(), token);
      Renewal renewal = settings.autoRenew() ? renewer.start(lease) : null;
      Computed<V> computed;
      Storage.@Nullable Write write;
      try {
        computed = Objects.requireNonNull(computation).compute(lease);
        if (computed == null) {
          throw new NullPointerException("the computation returned null instead of a Computed");
        }
        write = computed.isAbsent() ? null : encode(id, computed.value());
      } catch (Throwable t) {
        stop(renewal);
        if (closed) {
          Thread.interrupted();
        }
        announceFailure(token, t);
        return;
      }
      stop(renewal);
      Duration ttl = computed.ttl() != null ? computed.ttl() : settings.defaultTtl();
      phase = "storing the value";
      storing = true;
      boolean stored;
      try {
        // call() already tries a second time on a fresh connection when the first one dies.
        stored =
            write == null
                ? call(id, () -> storeAbsence(keys, token, ttl.toMillis()))
                : call(id, () -> store(keys, token, write, ttl.toMillis()));
      } catch (MemoLockException e) {
        // A value the callers get must be a value Redis holds, or they are told: they fail with
        // the cause, and waiters elsewhere are told at once if Redis still listens.
        incidents.report(Incidents.Kind.STORE, tag, id, e);
        storeFailed(token, e);
        return;
      }
      if (!stored) {
        // The lease was lost and the lock is another holder's, or a fresher value (or absence)
        // was written meanwhile: nothing was overwritten. The callers here still get this
        // computation's result (see the README's lease section).
        lease.lost = true;
      }
      succeed(write == null ? Optional.empty() : Optional.of(computed.value()));
    }

    /** The store failed: releases the lock, tells waiters elsewhere, fails the callers here. */
    private void storeFailed(byte[] token, MemoLockException cause) {
      MemoLockException error =
          new MemoLockException(
              tag,
              id,
              "the computed value could not be stored, so it is not returned: " + cause.getMessage(),
              cause);
      long failureTtl = 0; // a store failure is not the resource's: never remembered
      try {
        call(
            id,
            () ->
                Scripts.FAIL.run(
                    redis,
                    List.of(keys.lock(), keys.failure()),
                    List.of(
                        token,
                        utf8(keys.names().failureChannel()),
                        failurePayload(error),
                        ascii(failureTtl))));
      } catch (MemoLockException e) {
        incidents.report(Incidents.Kind.ANNOUNCE, tag, id, e);
        error.addSuppressed(e);
      }
      fail(error);
    }

    private void announceFailure(byte[] token, Throwable t) {
      failures.increment();
      long failureTtl = settings.failureTtl() == null ? 0 : settings.failureTtl().toMillis();
      try {
        call(
            id,
            () ->
                Scripts.FAIL.run(
                    redis,
                    List.of(keys.lock(), keys.failure()),
                    List.of(
                        token,
                        utf8(keys.names().failureChannel()),
                        failurePayload(t),
                        ascii(failureTtl))));
      } catch (MemoLockException e) {
        // Waiters elsewhere re-check when the lock expires; the callers here learn it at once.
        incidents.report(Incidents.Kind.ANNOUNCE, tag, id, e);
        t.addSuppressed(e);
      }
      fail(new ComputationFailedException(tag, id, t.getClass().getName(), t.getMessage(), t));
    }

    private void stop(@Nullable Renewal renewal) {
      computing = false;
      if (renewal != null) {
        renewal.stopped = true;
      }
    }
  }

  /** One computation's automatic lease renewal. */
  private final class Renewal {
    final LeaseImpl lease;
    /** When the next extension is due ({@link System#nanoTime()}). */
    volatile long at;
    volatile boolean stopped;

    Renewal(LeaseImpl lease, long at) {
      this.lease = lease;
      this.at = at;
    }
  }

  /**
   * Extends the leases of this MemoLock's running computations every third of the lock timeout:
   * one thread for all of them, asleep while none is due, and a short-lived thread per due
   * extension, so a slow Redis holds up no other lease. A computation that ends within a third of
   * the lock timeout, the common case, costs a queue entry: no thread, no timer. Stopped with
   * park/unpark, never an interrupt: an interrupt during a Redis call would close the virtual
   * thread's pooled socket.
   *
   * <p>Every renewal waits the same period, so the queue is in due order: the renewer only looks at
   * its head. Stopped renewals leave the queue when they reach the head (at most one period later).
   */
  private final class Renewer implements Runnable {
    private final ConcurrentLinkedQueue<Renewal> queue = new ConcurrentLinkedQueue<>();
    private final long period = Math.max(1, settings.lockTimeout().toNanos() / 3);
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile @Nullable Thread thread;
    /** Set while the renewer sleeps with an empty queue: a new renewal must wake it. */
    private volatile boolean idle;

    Renewal start(LeaseImpl lease) {
      Renewal renewal = new Renewal(lease, System.nanoTime() + period);
      enqueue(renewal);
      return renewal;
    }

    private void enqueue(Renewal renewal) {
      queue.add(renewal);
      if (started.compareAndSet(false, true)) {
        Thread t = settings.threadFactory().newThread(this);
        thread = t;
        t.start();
      } else if (idle) {
        wake();
      }
    }

    void wake() {
      Thread t = thread;
      if (t != null) {
        LockSupport.unpark(t);
      }
    }

    @Override
    public void run() {
      while (!closed) {
        Renewal head = queue.peek();
        if (head == null) {
          idle = true;
          if (queue.isEmpty() && !closed) {
            LockSupport.park(this);
          }
          idle = false;
          continue;
        }
        if (head.stopped || !head.lease.held()) {
          queue.poll(); // the renewer is the only consumer: this is head
          continue;
        }
        long wait = head.at - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(this, wait);
          continue;
        }
        queue.poll();
        settings.threadFactory().newThread(() -> extend(head)).start();
      }
    }

    private void extend(Renewal renewal) {
      try {
        renewal.lease.extend(settings.lockTimeout());
      } catch (LeaseLostException e) {
        return;
      } catch (MemoLockException e) {
        incidents.report(Incidents.Kind.RENEWAL, tag, renewal.lease.id, e); // next period: again
      }
      if (!renewal.stopped && !closed) {
        renewal.at = System.nanoTime() + period;
        enqueue(renewal);
      }
    }
  }

  /** Completes a queued read whose batch failed: its caller reads with a command of its own. */
  private static final class ReadAlone extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final ReadAlone INSTANCE = new ReadAlone();

    private ReadAlone() {
      super(null, null, false, false);
    }
  }

  /** A read waiting in {@link Batcher}'s queue. */
  private final class ReadRequest {
    final Keys keys;
    final CompletableFuture<@Nullable V> result = new CompletableFuture<>();

    ReadRequest(Keys keys) {
      this.keys = keys;
    }
  }

  /**
   * Reads the values of concurrent callers in batches while the client is saturated. A read that
   * finds a permit free runs at once, alone. One that finds every permit taken joins a queue, and
   * whoever gives a permit back next, after any command of this client, takes up to {@value
   * #MAX_BATCH} queued reads with it: one {@code MGET} (see {@link Storage#readAll}) instead of a
   * round trip, a connection hand-off and a thread wake-up each. A queued read that nobody has
   * taken within {@link #PATIENCE_NANOS} waits for a permit itself and takes the queue along. A
   * batch that fails for any reason sends each of its callers back to a read of its own, so every
   * failure is reported exactly as without batching.
   */
  private final class Batcher implements Runnable {
    static final int MAX_BATCH = 64;
    static final long PATIENCE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private final ConcurrentLinkedQueue<ReadRequest> pending = new ConcurrentLinkedQueue<>();
    final LongAdder batched = new LongAdder();

    @Nullable V read(Keys keys) {
      if (pending.isEmpty() && tryPermit()) {
        try {
          return callHeld(keys.id, () -> decoding(() -> storage.read(redis, keys.value)));
        } finally {
          releasePermit();
        }
      }
      ReadRequest request = new ReadRequest(keys);
      pending.add(request);
      run();
      while (true) {
        try {
          return request.result.get(PATIENCE_NANOS, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          try {
            shared.permits.acquire();
          } catch (InterruptedException ie) {
            request.result.cancel(false); // a later batch skips it
            Thread.currentThread().interrupt();
            throw new MemoLockInterruptedException(tag, keys.id, ie);
          }
          try {
            if (!request.result.isDone()) {
              batch();
            }
          } finally {
            releasePermit();
          }
        } catch (ExecutionException e) {
          return readDirect(keys); // the batch failed: read alone, for this caller's own answer
        } catch (InterruptedException e) {
          request.result.cancel(false); // a later batch skips it
          Thread.currentThread().interrupt();
          throw new MemoLockInterruptedException(tag, keys.id, e);
        }
      }
    }

    /** Serves queued reads while a permit is free (after every command of this client). */
    @Override
    public void run() {
      while (!pending.isEmpty() && tryPermit()) {
        try {
          batch();
        } finally {
          shared.permits.release(); // not releasePermit(): this loop is what it would call
        }
      }
    }

    /** A permit if one is free and nobody queues for one (fair to commands waiting for it). */
    private boolean tryPermit() {
      try {
        return shared.permits.tryAcquire(0, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    /** Runs one batch of queued reads under a permit the caller holds. */
    private void batch() {
      List<ReadRequest> batch = new ArrayList<>();
      ReadRequest next;
      while (batch.size() < MAX_BATCH && (next = pending.poll()) != null) {
        if (!next.result.isDone()) {
          batch.add(next);
        }
      }
      if (batch.isEmpty()) {
        return;
      }
      List<byte[]> keys = new ArrayList<>(batch.size());
      for (ReadRequest r : batch) {
        keys.add(r.keys.value);
      }
      List<@Nullable V> values;
      try {
        try {
          values = storage.readAll(redis, keys);
        } catch (JedisConnectionException stale) {
          if (Thread.currentThread().isInterrupted()) {
            throw stale;
          }
          values = storage.readAll(redis, keys); // a stale pooled connection: once more
        }
      } catch (Throwable e) {
        values = null; // whatever went wrong, each caller reads alone and gets its own answer
      }
      if (values == null || values.size() != batch.size()) {
        for (ReadRequest r : batch) {
          r.result.completeExceptionally(ReadAlone.INSTANCE);
        }
        return;
      }
      if (batch.size() > 1) {
        batched.add(batch.size());
      }
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).result.complete(values.get(i));
      }
    }
  }

  /** A lock lease. Thread-safe. */
  private final class LeaseImpl implements Lease {
    private final String id;
    private final byte[] lockKey;
    private final byte[] token;
    volatile boolean lost;

    LeaseImpl(String id, byte[] lockKey, byte[] token) {
      this.id = id;
      this.lockKey = lockKey;
      this.token = token;
    }

    @Override
    public void extend(Duration duration) {
      Durations.check(duration, 1, "duration");
      if (lost) {
        throw new LeaseLostException(tag, id);
      }
      Object r =
          call(
              id,
              () ->
                  Scripts.RENEW.run(
                      redis, List.of(lockKey), List.of(token, ascii(duration.toMillis()))));
      if (!Long.valueOf(1).equals(r)) {
        lost = true;
        throw new LeaseLostException(tag, id);
      }
    }

    @Override
    public boolean held() {
      return !lost;
    }

    @Override
    public String token() {
      return new String(token, StandardCharsets.UTF_8);
    }
  }
}
