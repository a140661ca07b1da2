package io.memolock.internal;

import io.memolock.Computation;
import io.memolock.MemoLockClosedException;
import io.memolock.MemoLockException;
import io.memolock.Trigger;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Flight}'s callers, its thread and the subscriber share: the result every caller
 * waits on, how many callers there are and their latest deadline, the event queue, the state, and
 * the ways a flight completes (each removes it from the registry first, so a caller that arrives
 * afterwards starts a new one). The transitions themselves are in {@link Flight}. Thread-safe.
 *
 * <p><b>Parking.</b> A flight that waits for a notification holds no thread: its thread {@link
 * #park}s it (a timer for the lock's expiry or the callers' deadline, then the thread ends), and
 * the next event ({@link #tell}: a message, a resync, the timer, a caller leaving, close) starts a
 * new thread that carries on where the last one stopped. One thread at a time runs a flight: the
 * one that started it, or the one whose {@link #tell} moved it from parked to running (a
 * compare-and-set). No event is lost between the two: {@link #tell} queues the event before it
 * looks at the parked flag, and {@link #park} sets the flag before it looks at the queue, so at
 * least one of them sees the other (both are sequentially consistent).
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
  private static final AtomicIntegerFieldUpdater<FlightRecord<?>> JOINERS =
      fieldUpdater("joiners");
  private static final AtomicIntegerFieldUpdater<FlightRecord<?>> PARKED =
      fieldUpdater("parked");
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final AtomicLongFieldUpdater<FlightRecord<?>> DEADLINE =
      (AtomicLongFieldUpdater) AtomicLongFieldUpdater.newUpdater(FlightRecord.class, "deadline");

  /** Callers waiting on {@link #result} (fields with updaters: a waiting id costs no atomics). */
  private volatile int joiners;
  /** The latest caller's deadline ({@link System#nanoTime()}); MIN_VALUE before the first. */
  private volatile long deadline = Long.MIN_VALUE;
  /** 1 while the flight is parked: no thread runs it until an event (see the class comment). */
  private volatile int parked;
  /** When the parked flight's timer fires, and its slot in {@link Wakeups} (-1: not armed). */
  long wakeAt;
  int timerSlot = -1;
  /**
   * What the subscriber and the callers tell the flight's thread. Made on a miss only, so a hit
   * allocates no queue; null until then.
   */
  volatile @Nullable ConcurrentLinkedQueue<FlightEvent> events;
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

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static AtomicIntegerFieldUpdater<FlightRecord<?>> fieldUpdater(String name) {
    return (AtomicIntegerFieldUpdater) AtomicIntegerFieldUpdater.newUpdater(FlightRecord.class, name);
  }

  void join(long callerDeadline) {
    JOINERS.incrementAndGet(this);
    DEADLINE.accumulateAndGet(
        this, callerDeadline, (a, b) -> a == Long.MIN_VALUE || b - a > 0 ? b : a);
  }

  int joiners() {
    return joiners;
  }

  /** @return the latest caller's deadline ({@link System#nanoTime()}) */
  long deadline() {
    return deadline;
  }

  /** A caller gave up (timeout, interrupt); the last one out ends a flight that holds nothing. */
  void leave() {
    if (JOINERS.decrementAndGet(this) <= 0 && state != Flight.State.COMPUTING) {
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
    ConcurrentLinkedQueue<FlightEvent> queue = events;
    if (queue != null) {
      queue.offer(event);
      resume();
    }
  }

  /**
   * Called by the flight's thread instead of blocking for an event: parks the flight until the next
   * event, or until {@code untilNanos} at the latest (the timer tells {@link FlightEvent.Due},
   * after which the flight re-checks).
   *
   * @return {@code true} if the flight is parked (the calling thread must end at once, touching
   *     nothing of the flight), {@code false} if an event is already queued (carry on)
   */
  boolean park(long untilNanos) {
    ConcurrentLinkedQueue<FlightEvent> queue = java.util.Objects.requireNonNull(events);
    if (!queue.isEmpty() || ctx.closed) {
      return false;
    }
    if (!ctx.wakeups.arm(this, untilNanos)) {
      return false; // closed meanwhile: the loop sees it
    }
    thread = null; // a finished thread's object (and its stack) is not kept while parked
    PARKED.set(this, 1);
    // An event queued before the flag was set is seen here; one queued after sees the flag.
    if (!queue.isEmpty() && PARKED.compareAndSet(this, 1, 0)) {
      thread = Thread.currentThread();
      cancelWakeup();
      return false;
    }
    return true;
  }

  /** Starts a thread for a parked flight (at most once per parking). */
  private void resume() {
    if (parked == 1 && PARKED.compareAndSet(this, 1, 0)) {
      cancelWakeup();
      start(this::run);
    }
  }

  private void cancelWakeup() {
    ctx.wakeups.cancel(this);
  }

  /** The flight's body: one thread's turn (see {@link Flight#run}). */
  abstract void run();

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

  /** @return the state's name, with {@code " +events"} while events are queued (for tests) */
  String describe() {
    ConcurrentLinkedQueue<FlightEvent> queue = events;
    return state.name() + (queue == null || queue.isEmpty() ? "" : " +events");
  }
}
