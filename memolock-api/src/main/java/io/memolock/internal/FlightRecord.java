package io.memolock.internal;

import io.memolock.Computation;
import io.memolock.MemoLockClosedException;
import io.memolock.MemoLockException;
import io.memolock.Trigger;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Flight}'s callers, its thread and the subscriber share: the result every caller
 * waits on, how many callers there are and their latest deadline, the events told, the state, and
 * the ways a flight completes (each removes it from the registry first, so a caller that arrives
 * afterwards starts a new one). The transitions themselves are in {@link Flight}. Thread-safe.
 *
 * <p><b>Parking.</b> A flight that waits for a notification holds no thread: its thread {@link
 * #park}s it (a timer for the lock's expiry or the callers' deadline, then the thread ends), and
 * the next event ({@link #tell}: a message, a resync, the timer, a caller leaving, close) starts a
 * new thread that carries on where the last one stopped. One thread at a time runs a flight: the
 * one that started it, or the one whose {@link #tell} moved it from parked to running (a
 * compare-and-set). No event is lost between the two: {@link #tell} pushes the event before it
 * looks at the parked flag, and {@link #park} sets the flag before it looks at the events, so at
 * least one of them sees the other (both are sequentially consistent).
 *
 * @param <V> the value type
 */
abstract class FlightRecord<V> implements ChannelListener {
  final EngineContext<V> ctx;
  final ResourceKeys keys;
  final @Nullable Computation<V> computation;
  final @Nullable Trigger trigger;
  final CompletableFuture<FlightResult<V>> result = new CompletableFuture<>();
  private static final AtomicIntegerFieldUpdater<FlightRecord<?>> JOINERS =
      fieldUpdater("joiners");
  private static final AtomicIntegerFieldUpdater<FlightRecord<?>> PARKED =
      fieldUpdater("parked");
  private static final AtomicIntegerFieldUpdater<FlightRecord<?>> RESYNCS =
      fieldUpdater("resyncs");
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final AtomicReferenceFieldUpdater<FlightRecord<?>, @Nullable Told> INCOMING =
      (AtomicReferenceFieldUpdater)
          AtomicReferenceFieldUpdater.newUpdater(FlightRecord.class, Told.class, "incoming");
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final AtomicLongFieldUpdater<FlightRecord<?>> DEADLINE =
      (AtomicLongFieldUpdater) AtomicLongFieldUpdater.newUpdater(FlightRecord.class, "deadline");

  /** Callers waiting on {@link #result} (fields with updaters: a waiting id costs no atomics). */
  private volatile int joiners;
  /** The latest caller's deadline ({@link System#nanoTime()}); MIN_VALUE before the first. */
  private volatile long deadline = Long.MIN_VALUE;
  /** 1 while the flight is parked: no thread runs it until an event (see the class comment). */
  private volatile int parked;
  /** Resyncs told, and messages that did not settle the flight: a re-check sent before is stale. */
  private volatile int resyncs;
  /** When the parked flight's timer fires, and its slot in {@link Wakeups} (-1: not armed). */
  long wakeAt;
  int timerSlot = -1;
  /**
   * What the subscriber and the callers tell the flight's thread: a list in the flight itself, not
   * a queue object (a waiting id keeps none): {@link #incoming}, pushed by any thread, newest first;
   * {@link #taken}, the flight thread's, oldest first. Told from a miss on ({@link
   * #takesEvents}); before, on the hit path, nothing is kept.
   */
  private static final class Told {
    final FlightEvent event;
    @Nullable Told next;

    Told(FlightEvent event) {
      this.event = event;
    }
  }

  private volatile @Nullable Told incoming;
  private @Nullable Told taken;
  volatile boolean takesEvents;
  volatile Flight.State state = Flight.State.READING;
  volatile Flight.Source source = Flight.Source.HIT;
  volatile @Nullable Thread thread;
  /** Registered with the protocol's subscriber; only the flight's thread reads or writes it. */
  boolean listening;
  /**
   * A re-check after listening is on its way ({@link #listenThenCheck}) until its {@link
   * FlightEvent.Checked}; only the flight's thread writes it (volatile for {@link #describe}).
   */
  volatile boolean checking;

  FlightRecord(
      EngineContext<V> ctx,
      ResourceKeys keys,
      @Nullable Computation<V> computation,
      @Nullable Trigger trigger) {
    this.ctx = ctx;
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
    ctx.flights.remove(keys.id, this);
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
    ctx.flights.remove(keys.id, this);
    result.complete(new FlightResult.Failed<>(error));
  }

  void restart() {
    ctx.flights.remove(keys.id, this);
    result.complete(new FlightResult.Restart<>());
  }

  void close() {
    fail(new MemoLockClosedException(ctx.tag, keys.id));
    tell(new FlightEvent.Closed());
    Thread t = thread;
    if (state == Flight.State.COMPUTING && t != null) {
      t.interrupt();
    }
  }

  void tell(FlightEvent event) {
    if (!takesEvents) {
      return;
    }
    Told told = new Told(event);
    Told head;
    do {
      head = incoming;
      told.next = head;
    } while (!INCOMING.compareAndSet(this, head, told));
    resume();
  }

  /** @return the oldest event told and not yet taken, or null (the flight's thread only) */
  @Nullable FlightEvent nextEvent() {
    Told t = taken;
    if (t == null) {
      Told in = INCOMING.getAndSet(this, null); // newest first: reversed into taken
      while (in != null) {
        Told older = in.next;
        in.next = t;
        t = in;
        in = older;
      }
      if (t == null) {
        return null;
      }
    }
    taken = t.next;
    return t.event;
  }

  /** @return whether events wait to be taken (exact on the flight's thread only) */
  boolean hasEvents() {
    return taken != null || incoming != null;
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
    if (hasEvents() || ctx.closed) {
      return false;
    }
    if (!ctx.wakeups.arm(this, untilNanos)) {
      return false; // closed meanwhile: the loop sees it
    }
    thread = null; // a finished thread's object (and its stack) is not kept while parked
    PARKED.set(this, 1);
    // An event queued before the flag was set is seen here; one queued after sees the flag.
    if (hasEvents() && PARKED.compareAndSet(this, 1, 0)) {
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
    RESYNCS.incrementAndGet(this); // before the event: a check sent before it is seen as stale
    tell(new FlightEvent.Resync());
  }

  /** @return whether a re-check sent when the flight had seen {@code sent} resyncs is current */
  boolean current(int sent) {
    return resyncs == sent;
  }

  /** Makes a re-check on its way stale (see {@link #listenThenCheck}). */
  void outdateCheck() {
    RESYNCS.incrementAndGet(this);
  }

  /**
   * Subscribes to the resource's channels, then re-checks, without a thread: closes the race with
   * a publish (or a failure, or the holder's end) that happened after the flight found the lock
   * held but before it listened. A thread would wait for the acknowledgement, then run the acquire
   * script again, then park; here the acknowledgement's callback (on the subscriber's thread)
   * sends a re-check that takes nothing ({@link Protocol#recheck}) through the command pipeline,
   * and its answer comes back as a {@link FlightEvent.Checked}, which the flight's next turn
   * handles like an acquire's answer (a held lock: it parks again, holding no thread). It is as
   * safe as the blocking way because the check runs after the server acknowledged the
   * subscription: a publish after that reaches the flight as a message, and what happened before
   * it left its trace (the value, the remembered failure, the lock gone) for the check to find.
   * A check that may predate a reconnection or a message that did not settle the flight (a resync,
   * or a failure under RETRY, told since it was sent) is not trusted: the flight acquires the
   * blocking way. The flight waits for the check ({@link #checking}) before it acquires again; its
   * callers' deadline still holds (the timer of its parking).
   *
   * <p>{@code first}: the flight listens before it first tries the lock, as its channels are
   * heard at once (covered by a pattern: {@code ChannelPatterns}). If they are, the acquire that
   * follows is the check (a publish after it reaches the flight; one before it left its trace for
   * the acquire), so nothing more is sent; if not (the pattern went meanwhile), as above.
   */
  void listenThenCheck(boolean first) {
    CompletableFuture<Void> ready = ctx.protocol.listen(keys, this);
    listening = true; // from here on, run's finally block unregisters, whatever happens
    if (first && ready.isDone() && !ready.isCompletedExceptionally()) {
      return;
    }
    checking = true;
    ready.whenComplete(
        (ok, failure) -> {
          int sent = resyncs;
          CompletableFuture<Protocol.@Nullable Acquisition> check = null;
          if (failure == null && !ctx.closed) {
            try {
              check = ctx.protocol.recheck(keys);
            } catch (RuntimeException e) {
              // not lost: the flight acquires the blocking way, which reports what is wrong
              ctx.counters.incidents.report(Incidents.Kind.SUBSCRIBER, ctx.tag, keys.id, e);
            }
          }
          if (check == null) {
            tell(new FlightEvent.Checked(null, failure, sent));
          } else {
            check.whenComplete((a, e) -> tell(new FlightEvent.Checked(a, null, sent)));
          }
        });
  }

  /**
   * Subscribes to the resource's channels and waits for the acknowledgement (the trigger's path;
   * a waiter uses {@link #listenThenCheck}).
   *
   * @return {@code false} when every caller has given up meanwhile (the flight restarted)
   */
  boolean listen() throws InterruptedException {
    state = Flight.State.SUBSCRIBING;
    CompletableFuture<Void> ready = ctx.protocol.listen(keys, this);
    listening = true; // from here on, run's finally block unregisters, whatever happens
    try {
      ready.get(Math.max(0, deadline() - System.nanoTime()), TimeUnit.NANOSECONDS);
      return true;
    } catch (ExecutionException e) {
      throw subscribeFailed(e.getCause());
    } catch (TimeoutException e) {
      if (System.nanoTime() - deadline() >= 0) {
        restart(); // every caller of this flight has given up by now
        return false;
      }
      throw new MemoLockException(
          ctx.tag, keys.id, "the subscriber connection did not subscribe in time (is Redis up?)", e);
    }
  }

  /** @return the failure of a subscription, for the callers */
  MemoLockException subscribeFailed(@Nullable Throwable cause) {
    return ctx.closed
        ? new MemoLockClosedException(ctx.tag, keys.id)
        : new MemoLockException(ctx.tag, keys.id, "cannot subscribe", cause);
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
      ctx.commands.protocol(keys.id, () -> ctx.protocol.release(keys, token));
    } catch (MemoLockException e) {
      ctx.counters.incidents.report(Incidents.Kind.RELEASE, ctx.tag, keys.id, e);
    }
  }

  /** @return the state's name, with {@code " +events"} while events are queued (for tests) */
  String describe() {
    return state.name() + (checking ? " +checking" : "") + (hasEvents() ? " +events" : "");
  }
}
