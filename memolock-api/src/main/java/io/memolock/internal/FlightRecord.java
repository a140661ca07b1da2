package io.memolock.internal;

import io.memolock.Computation;
import io.memolock.MemoLockClosedException;
import io.memolock.MemoLockException;
import io.memolock.Trigger;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Flight}'s callers, its thread and the subscriber share: the result every caller
 * waits on, how many callers there are and their latest deadline, the event queue, the state, and
 * the ways a flight completes (each removes it from the registry first, so a caller that arrives
 * afterwards starts a new one). The transitions themselves are in {@link Flight}. Thread-safe.
 *
 * @param <V> the value type
 */
abstract class FlightRecord<V> implements Subscriber.Listener {
  final EngineContext<V> ctx;
  final String id;
  final ResourceKeys keys;
  final @Nullable Computation<V> computation;
  final @Nullable Trigger trigger;
  final CompletableFuture<FlightResult<V>> result = new CompletableFuture<>();
  final AtomicInteger joiners = new AtomicInteger();
  final AtomicLong deadline = new AtomicLong(Long.MIN_VALUE);
  /**
   * What the subscriber and the callers tell the flight's thread. Made on a miss only, so a hit
   * allocates no queue; null until then.
   */
  volatile @Nullable LinkedBlockingQueue<FlightEvent> events;
  volatile Flight.State state = Flight.State.READING;
  volatile Flight.Source source = Flight.Source.HIT;
  volatile @Nullable Thread thread;
  /** Registered with the protocol's subscriber; only the flight's thread reads or writes it. */
  boolean listening;

  FlightRecord(
      EngineContext<V> ctx,
      ResourceKeys keys,
      @Nullable Computation<V> computation,
      @Nullable Trigger trigger) {
    this.ctx = ctx;
    this.id = keys.id;
    this.keys = keys;
    this.computation = computation;
    this.trigger = trigger;
  }

  void join(long callerDeadline) {
    joiners.incrementAndGet();
    deadline.accumulateAndGet(
        callerDeadline, (a, b) -> a == Long.MIN_VALUE || b - a > 0 ? b : a);
  }

  int joiners() {
    return joiners.get();
  }

  /** A caller gave up (timeout, interrupt); the last one out ends a flight that holds nothing. */
  void leave() {
    if (joiners.decrementAndGet() <= 0 && state != Flight.State.COMPUTING) {
      tell(new FlightEvent.Abandoned());
    }
  }

  /** @return whether this call completed the flight (false if it was already complete) */
  boolean succeed(Optional<V> value) {
    ctx.flights.remove(id, this);
    return result.complete(new FlightResult.Served<>(value));
  }

  /**
   * Completes the flight with a value a notification brought, counting the wake-up before the
   * callers run (so that they see it counted) and taking it back if the flight was complete.
   */
  void wakeUp(Optional<V> value) {
    ctx.counters.wakeUps.increment();
    if (!succeed(value)) {
      ctx.counters.wakeUps.decrement();
    }
  }

  void fail(MemoLockException error) {
    ctx.flights.remove(id, this);
    result.complete(new FlightResult.Failed<>(error));
  }

  void restart() {
    ctx.flights.remove(id, this);
    result.complete(new FlightResult.Restart<>());
  }

  void close() {
    fail(new MemoLockClosedException(ctx.tag, id));
    tell(new FlightEvent.Closed());
    Thread t = thread;
    if (state == Flight.State.COMPUTING && t != null) {
      t.interrupt();
    }
  }

  void tell(FlightEvent event) {
    LinkedBlockingQueue<FlightEvent> queue = events;
    if (queue != null) {
      queue.offer(event);
    }
  }

  void start(Runnable body) {
    Thread t = ctx.newThread(body);
    thread = t;
    t.start();
  }

  // ------------------------------------------------------------------ the subscriber's side

  @Override
  public void onMessage(String channel, byte[] payload) {
    Protocol.Signal signal = ctx.protocol.classify(keys, channel, payload);
    if (signal instanceof Protocol.ValueSignal
        && trigger == null
        && state != Flight.State.COMPUTING
        && !result.isDone()) {
      // A payload that carries the value completes the callers here, on the subscriber's thread,
      // saving the hop through the flight's thread; that thread then only cleans up. Anything
      // else (no value in the payload, bytes that do not decode) goes the long way, where
      // failures are reported with their context. A holder's callers are completed so only once
      // its store has published (not by a foreign write during the computation).
      try {
        V decoded = ctx.storage.fromNotification(payload);
        if (decoded != null) {
          if (state == Flight.State.STORING) {
            succeed(Optional.of(decoded));
          } else {
            wakeUp(Optional.of(decoded));
          }
        }
      } catch (Throwable e) {
        // Undecodable: the flight's thread re-reads the value (see Flight.heard), never here.
      }
    }
    tell(new FlightEvent.Heard(signal));
  }

  @Override
  public void onResync() {
    tell(new FlightEvent.Resync());
  }

  /** Subscribes without waiting for the acknowledgement (see Holder's listen-to-own-store). */
  void listenNow() {
    ctx.protocol.listen(keys, this);
    listening = true;
  }

  /** Releases our lock, if we hold one; a failure is logged and counted (it expires by itself). */
  void release(byte @Nullable [] token) {
    if (token == null) {
      return;
    }
    try {
      ctx.commands.protocol(id, () -> ctx.protocol.release(keys, token));
    } catch (MemoLockException e) {
      ctx.counters.incidents.report(Incidents.Kind.RELEASE, ctx.tag, id, e);
    }
  }
}
