package io.memolock.internal;

import io.memolock.AbsentValueException;
import io.memolock.ComputationFailedException;
import io.memolock.Computation;
import io.memolock.IdComputation;
import io.memolock.MemoLock;
import io.memolock.MemoLockClosedException;
import io.memolock.MemoLockException;
import io.memolock.MemoLockInterruptedException;
import io.memolock.MemoLockTimeoutException;
import io.memolock.Metrics;
import io.memolock.Trigger;
import io.memolock.spi.Storage;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The {@link MemoLock} behind the builder: validates every call, registers the flights of this
 * process (one per id), waits for them with each caller's own timeout, counts, and closes. The
 * protocol itself is in {@link Flight} (the states of a request) and {@link Holder} (the lock
 * holder's side), over a {@link Protocol}; see the package comment for the whole picture.
 * Thread-safe.
 *
 * @param <V> the value type
 */
public final class Engine<V> implements MemoLock<V> {
  private final EngineContext<V> ctx;
  private final String tag;

  /**
   * @param redis the client
   * @param storage the storage
   * @param settings validated options
   */
  public Engine(UnifiedJedis redis, Storage<V> storage, Settings settings) {
    SharedClient shared = SharedClient.acquire(redis, settings.maxConcurrentCommands());
    long lockMs = settings.lockTimeout().toMillis();
    // With batching on, the protocol's commands (and a cluster's reads) go through the client's
    // command pipelines: concurrent scripts of different ids share round trips.
    PipelinedJedis pipelined = settings.batchReads() ? shared.pipelines(settings.threadFactory()) : null;
    UnifiedJedis commandsOn = pipelined != null ? pipelined : redis;
    Protocol protocol =
        redis instanceof RedisClusterClient cluster
            ? new ShardedProtocol(
                commandsOn, cluster, shared.channels, shared::permits, storage.writeScript(), lockMs)
            : new ClassicProtocol(commandsOn, shared.channels, false, storage.writeScript(), lockMs);
    this.ctx =
        new EngineContext<>(
            redis,
            storage,
            settings,
            shared,
            protocol,
            settings.batchReads() && storage.readsInBatches() && redis instanceof RedisClient,
            pipelined);
    this.tag = settings.tag();
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
  public Map<String, V> getAll(Collection<String> ids, Duration timeout, IdComputation<V> c) {
    return new BulkGet<>(this, ctx).fetch(ids, timeout, c).present();
  }

  @Override
  public Map<String, Optional<V>> findAll(
      Collection<String> ids, Duration timeout, IdComputation<V> computation) {
    return new BulkGet<>(this, ctx).fetch(ids, timeout, computation).found();
  }

  @Override
  public V getExternal(String id, Duration timeout, Trigger trigger) {
    Objects.requireNonNull(trigger, "trigger");
    return request(id, timeout, null, trigger)
        .orElseThrow(() -> new AbsentValueException(tag, id));
  }

  @Override
  public Optional<V> getIfPresent(String id) {
    ResourceKeys keys = ctx.keys(id);
    ensureOpen(id);
    return Optional.ofNullable(ctx.read(keys));
  }

  @Override
  public <R> Optional<R> readIfPresent(String id, Storage.Reader<R> reader) {
    Objects.requireNonNull(reader, "reader");
    ResourceKeys keys = ctx.keys(id);
    ensureOpen(id);
    return Optional.ofNullable(
        ctx.commands.call(id, () -> Commands.decoding(() -> reader.read(ctx.redis, keys.value))));
  }

  @Override
  public void put(String id, V value, Duration ttl) {
    Objects.requireNonNull(value, "value");
    Durations.check(ttl, 1, "ttl");
    ResourceKeys keys = ctx.keys(id);
    ensureOpen(id);
    Storage.Write write = ctx.encode(id, value);
    ctx.commands.protocol(id, () -> ctx.protocol.store(keys, new byte[0], write, ttl.toMillis()));
  }

  @Override
  public void invalidate(String id) {
    ResourceKeys keys = ctx.keys(id);
    ensureOpen(id);
    ctx.commands.protocol(
        id,
        () -> {
          ctx.protocol.invalidate(keys);
          return null;
        });
  }

  @Override
  public Metrics metrics() {
    return ctx.counters.snapshot(ctx.protocol.subscriberErrors());
  }

  @Override
  public String tag() {
    return tag;
  }

  @Override
  public void close() {
    if (ctx.closed) {
      return;
    }
    ctx.closed = true;
    for (Flight<V> flight : List.copyOf(ctx.flights.values())) {
      flight.close();
    }
    for (Flight<V> flight : List.copyOf(ctx.refreshes)) {
      flight.close();
    }
    ctx.renewer.wake();
    ctx.wakeups.close(); // every parked flight was told to close above
    ctx.shared.release();
  }

  // ---------------------------------------------------------------- for tests and benchmarks

  /** @return reads served in batches of two or more */
  public long batchedReads() {
    return ctx.batcher == null ? 0 : ctx.batcher.batched.sum();
  }

  /** @return commands of this client (all its MemoLocks) that shared a pipelined round trip */
  public long pipelinedCommands() {
    return ctx.pipelined == null ? 0 : ctx.pipelined.pipelinedCommands();
  }

  /** @return flights in progress (for tests of cleanup paths) */
  public int activeFlights() {
    return ctx.flights.size();
  }

  /**
   * @return the state of this id's flight ({@code "WAITING"}, ...), with {@code " +checking"}
   *     while its re-check after subscribing is on its way and {@code " +events"} while events are
   *     queued for it, or null (for tests that must wait until a flight settled)
   */
  public @Nullable String flightState(String id) {
    Flight<V> flight = ctx.flights.get(id);
    return flight == null ? null : flight.describe();
  }

  /** @return channels the shared subscriber holds state for (for tests of cleanup paths) */
  public int subscribedChannels() {
    return ctx.shared.channels.channelCount();
  }

  /** @return timers armed for parked flights (for tests of cleanup paths) */
  public int armedWakeups() {
    return ctx.wakeups.armed();
  }

  /** @return how often the shared subscriber connected (for tests of reconnection) */
  public long subscriberConnects() {
    return ctx.shared.channels.connects();
  }

  /** @return notifications this client's subscriber received (every MemoLock on the client) */
  public long notificationsReceived() {
    return ctx.shared.channels.messages();
  }

  /** @return notifications received on a channel with no local listener (see MessageCounts) */
  public long strayNotifications() {
    return ctx.shared.channels.strayMessages();
  }

  // ---------------------------------------------------------------- hooks for io.memolock.local

  /**
   * @return the shared subscriber connection of this client (for the local tier's hooks)
   * @throws IllegalStateException on a cluster client, which has one sharded connection per node
   */
  public Subscriber subscriber() {
    Subscriber s = ctx.shared.subscriber;
    if (s == null) {
      throw new IllegalStateException("a RedisClusterClient has no single subscriber connection");
    }
    return s;
  }

  /** @return the Redis client */
  public UnifiedJedis client() {
    return ctx.redis;
  }

  /** @return the validated options */
  public Settings settings() {
    return ctx.settings;
  }

  /**
   * Runs Redis commands within the bound on concurrent commands shared by every MemoLock on this
   * client, translating failures into {@link MemoLockException}s about {@code id}.
   */
  public <T> T command(String id, Supplier<T> command) {
    return ctx.commands.call(id, command);
  }

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
    ResourceKeys keys = ctx.keys(id);
    ensureOpen(id);
    byte[] token = Bytes.newToken();
    long within = Bytes.saturatedMillis(expiresWithin);
    if (!ctx.commands.protocol(id, () -> ctx.protocol.refresh(keys, token, within))) {
      return false;
    }
    // An unregistered flight: the holder runs the normal computation path (lease, renewal, store
    // + publish + release, or announce the failure) without callers joining it.
    Flight<V> flight = new Flight<>(ctx, keys, computation, null);
    flight.thread = Thread.currentThread();
    ctx.refreshes.add(flight);
    try {
      if (ctx.closed) {
        flight.release(token);
        flight.fail(new MemoLockClosedException(tag, id));
      } else {
        new Holder<>(flight, token).compute(false);
      }
    } finally {
      ctx.refreshes.remove(flight);
    }
    return switch (flight.result.join()) {
      case FlightResult.Served<V> s -> true;
      case FlightResult.Failed<V> f -> throw f.error();
      case FlightResult.Restart<V> r -> throw new MemoLockInterruptedException(
          tag, id, new InterruptedException("the refresh was abandoned"));
    };
  }

  // ---------------------------------------------------------------- caller side

  private void ensureOpen(@Nullable String id) {
    if (ctx.closed) {
      throw new MemoLockClosedException(tag, id);
    }
  }

  private Optional<V> request(
      String id, Duration timeout, @Nullable Computation<V> computation, @Nullable Trigger trigger) {
    BulkCalls.requirePositive(timeout);
    ResourceKeys keys = ctx.keys(id);
    long start = System.nanoTime();
    long deadline = start + Bytes.saturatedNanos(timeout);
    return request(keys, timeout, start, deadline, computation, trigger, false);
  }

  /** One request of one id, from start to deadline; knownMissing: see {@link Flight#begin}. */
  Optional<V> request(ResourceKeys keys, Duration timeout, long start, long deadline,
      @Nullable Computation<V> computation, @Nullable Trigger trigger, boolean knownMissing) {
    String id = keys.id;
    ensureOpen(id);
    boolean hit = false;
    try {
      while (true) {
        Flight<V> flight = ctx.flights.get(id);
        boolean leader = false;
        if (flight == null) {
          Flight<V> created = new Flight<>(ctx, keys, computation, trigger);
          flight = ctx.flights.putIfAbsent(id, created);
          if (flight == null) {
            flight = created;
            leader = true;
          }
        }
        flight.join(deadline);
        if (leader) {
          flight.begin(deadline, knownMissing);
        } else {
          ctx.counters.coalesced.increment();
        }
        Optional<Optional<V>> answer = await(flight, id, timeout, start, deadline);
        if (answer.isPresent()) {
          hit = flight.source == Flight.Source.HIT;
          return answer.get();
        }
        // The flight ended for reasons of its own callers (all gone): start again, reading.
        knownMissing = false;
      }
    } finally {
      // Every request counts once, whatever its end: a hit only when its first read served it.
      (hit ? ctx.counters.hits : ctx.counters.misses).increment();
    }
  }

  /** Waits for the flight with this caller's own timeout: the answer, or empty to start again. */
  private Optional<Optional<V>> await(
      Flight<V> flight, String id, Duration timeout, long start, long deadline) {
    FlightResult<V> result;
    try {
      result = flight.result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      flight.leave();
      ctx.counters.timeouts.increment();
      throw new MemoLockTimeoutException(tag, id, timeout, flight.state.phase);
    } catch (InterruptedException e) {
      flight.leave();
      Thread.currentThread().interrupt();
      throw new MemoLockInterruptedException(tag, id, e);
    } catch (ExecutionException e) {
      throw ctx.failure(id, e.getCause()); // never: flights complete normally
    }
    switch (result) {
      case FlightResult.Served<V> served -> {
        if (flight.source == Flight.Source.WAITED) {
          ctx.counters.waits.increment();
          ctx.counters.waitTime.record((System.nanoTime() - start) / 1_000);
        }
        return Optional.of(served.value());
      }
      case FlightResult.Failed<V> failed -> throw failed.error();
      case FlightResult.Restart<V> restart -> {
        if (Thread.currentThread().isInterrupted()) {
          throw new MemoLockInterruptedException(tag, id, new InterruptedException());
        }
        if (System.nanoTime() - deadline < 0) {
          return Optional.empty();
        }
        ctx.counters.timeouts.increment();
        throw new MemoLockTimeoutException(tag, id, timeout, flight.state.phase);
      }
    }
  }
}
