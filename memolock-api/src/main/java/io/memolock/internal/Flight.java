package io.memolock.internal;

import io.memolock.ComputationFailedException;
import io.memolock.Computation;
import io.memolock.FailurePolicy;
import io.memolock.MemoLockClosedException;
import io.memolock.MemoLockException;
import io.memolock.MemoLockInterruptedException;
import io.memolock.Trigger;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * All callers of one id in this process, and the work done for them: the state machine of a
 * request (see the package comment for the protocol it drives). Thread-safe.
 *
 * <p>States and who moves between them ({@link #state}; the flight's own thread makes every move
 * after {@code READING}):
 *
 * <pre>
 *   READING ──hit──────────────────────────────────────────────▶ served
 *      │ miss (the leader's thread hands over to the flight's thread)
 *      ▼
 *   ACQUIRING ──value exists / remembered outcome──────────────▶ served or failed
 *      │  ├──lock acquired, computation──▶ COMPUTING ──▶ STORING ──▶ served (or failed)
 *      │  ├──lock acquired, trigger──────▶ TRIGGERED ──▶ (waits as below, for the producer)
 *      │  └──locked by another──▶ SUBSCRIBING ──▶ ACQUIRING (re-check after listening)
 *      ▼
 *   WAITING ──notification──▶ served          (decoded, or re-read when it carries no value)
 *      │  ├──failure / absence announced──▶ failed / served empty (RETRY: ACQUIRING)
 *      │  ├──resync, or the lock's TTL ran out──▶ ACQUIRING (a vanished holder is taken over)
 *      │  └──every caller left / closed / deadline──▶ restart / closed
 * </pre>
 *
 * <p>In {@code WAITING} (and {@code TRIGGERED}) the flight holds no thread: its thread parks it
 * (see {@link FlightRecord}) and ends; the next event or its timer starts a thread that carries on
 * in {@link #run}, with what the last turn left in the flight's fields.
 *
 * <p>Callers never run the flight: they wait on {@link #result} with their own timeouts, so one
 * caller's timeout or interrupt never disturbs the others. The subscriber's thread only delivers
 * events (and completes a waiting flight at once when a notification carries the value).
 *
 * @param <V> the value type
 */
final class Flight<V> extends FlightRecord<V> {

  /** Where the flight is; each state names what a caller that times out there was waiting for. */
  enum State {
    READING("reading the value"),
    ACQUIRING("waiting for the lock"),
    SUBSCRIBING("subscribing to the notification channel"),
    WAITING("waiting for the value"),
    COMPUTING("computing"),
    TRIGGERED("waiting for the external producer"),
    STORING("storing the value");

    final String phase;

    State(String phase) {
      this.phase = phase;
    }
  }

  /** How the callers' answer was found, for the counters. */
  enum Source {
    HIT,
    COMPUTED,
    WAITED
  }

  /** A computing flight with this many callers listens to its own notification (see Holder). */
  static final int LISTEN_WHEN_WAITED_ON_BY = 32;

  /** Extra wait beyond a lock's remaining TTL before re-checking for a vanished holder. */
  private static final long EXPIRY_SLACK_MS = 5;

  /** How often a listening waiter retries while Redis is unreachable. */
  private static final long OUTAGE_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  Flight(
      EngineContext<V> ctx,
      ResourceKeys keys,
      @Nullable Computation<V> computation,
      @Nullable Trigger trigger) {
    super(ctx, keys, computation, trigger);
  }

  // ------------------------------------------------------------------ the leader's read

  /**
   * Called by the first caller: the shared read; on a miss, hands over to a thread. The caller
   * reads on its own thread (a hit costs no thread hop) under its deadline, which interrupts the
   * caller if Redis does not answer in time (see {@link CallerDeadlines}). On a virtual thread that
   * ends even a blocking socket read at once; a platform thread's socket read ignores interrupts,
   * so there a stuck read ends at the client's socket timeout at the latest (waits for a permit or
   * a batch still end at the deadline).
   *
   * @param knownMissing the caller has just read the value missing (see {@link #readFirst})
   */
  void begin(long callerDeadline, boolean knownMissing) {
    CallerDeadlines.Armed armed = ctx.shared.deadlines.arm(callerDeadline);
    boolean missed;
    try {
      missed = readFirst(true, knownMissing);
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
   * @param knownMissing the caller has just read the value missing itself (a bulk get's shared
   *     read): nothing is read, the flight goes straight to the lock
   * @return {@code true} on a miss, when the flight goes on; {@code false} when it is complete
   */
  private boolean readFirst(boolean armed, boolean knownMissing) {
    V value;
    try {
      value = knownMissing ? null : ctx.read(keys);
    } catch (Throwable t) {
      // Interrupted, by the caller or by its deadline: the leader's await tells which (its
      // interrupt flag, or its passed deadline); joiners with time left start again. A cluster
      // client may swallow the flag: interrupted in a socket read, it retries, and its backoff
      // sleep throws at once and is wrapped ("No more cluster attempts" around an
      // InterruptedException). The flag is set again here; the deadline's disarm clears its own.
      boolean interrupted =
          t instanceof MemoLockInterruptedException
              || (armed && Thread.currentThread().isInterrupted());
      if (!interrupted && armed && Commands.interruptedWithin(t)) {
        Thread.currentThread().interrupt();
        interrupted = true;
      }
      if (interrupted) {
        restart();
      } else {
        fail(ctx.failure(keys.id, t));
      }
      return false;
    }
    if (value != null) {
      succeed(Optional.of(value));
      return false;
    }
    source = Source.WAITED;
    state = State.ACQUIRING;
    takesEvents = true;
    return true;
  }

  // ------------------------------------------------------------------ the flight's thread

  // What one turn of the flight's thread leaves to the next (a parked flight holds no thread);
  // only the thread running the flight reads or writes them (see FlightRecord's parking).
  private boolean sawHolder;
  private byte @Nullable [] heldToken;
  private long outageStart;
  /** The answer of the re-check after listening (see {@link FlightEvent.Checked}), until used. */
  private Protocol.@Nullable Acquisition checked;

  private static final byte[] NO_TOKEN = {}; // of an acquisition that took nothing (a re-check's)

  /**
   * One turn of the flight's thread: acquire, compute or wait, until a value or a failure, or
   * until it parks to wait for an event without a thread; the event starts the next turn here.
   */
  @Override
  void run() {
    boolean parkedNow = false;
    try {
      parkedNow = turn();
    } catch (InterruptedException e) {
      if (ctx.closed) {
        fail(new MemoLockClosedException(ctx.tag, keys.id));
      } else {
        restart();
      }
    } catch (Throwable e) {
      release(heldToken);
      fail(ctx.failure(keys.id, e));
    } finally {
      if (!parkedNow && listening) {
        listening = false;
        ctx.protocol.unlisten(keys, this);
      }
    }
  }

  /** @return {@code true} when the flight parked (another thread carries on), else it is over */
  private boolean turn() throws InterruptedException {
    while (!result.isDone()) {
      long now = System.nanoTime();
      long dl = deadline();
      if (now - dl >= 0) {
        release(heldToken);
        restart();
        return false;
      }
      if (ctx.closed) {
        release(heldToken);
        fail(new MemoLockClosedException(ctx.tag, keys.id));
        return false;
      }
      // Whatever arrived meanwhile (say, a failure published just before this re-check)
      // decides before the lock is tried again.
      FlightEvent queued;
      while (listening && (queued = nextEvent()) != null) {
        if (handle(queued)) {
          return false;
        }
      }
      if (!listening && trigger == null && ctx.protocol.heardAtOnce(keys)) {
        listenThenCheck(true); // the acquire below is then the check, or it re-checks (see there)
      }
      if (checking) { // the re-check after listening is on its way (see listenThenCheck)
        if (park(dl)) {
          return true;
        }
        continue;
      }
      Protocol.Acquisition acquired = checked; // the re-check's answer, if it just came
      checked = null;
      byte[] token = acquired == null ? Bytes.newToken() : NO_TOKEN;
      if (acquired == null) {
        state = heldToken == null ? State.ACQUIRING : State.TRIGGERED;
        try {
          acquired = ctx.commands.protocol(keys.id, () -> ctx.protocol.acquire(keys, token));
          outageStart = 0;
        } catch (MemoLockException e) {
          // A listening waiter rides out a short outage (a restart, a failover): the subscriber
          // reconnects and sends a resync. Past one lock timeout it gives up with the clear
          // "unreachable" failure.
          if (!listening
              || !(e.getCause() != null && Outages.isOutage(e.getCause()))
              || Thread.currentThread().isInterrupted()) {
            throw e;
          }
          if (outageStart == 0) {
            outageStart = now;
          } else if (now - outageStart > ctx.settings.lockTimeout().toNanos()) {
            throw e;
          }
          if (park(now + Math.min(OUTAGE_RETRY_NANOS, dl - now))) {
            return true; // the next event or the retry time starts the next turn
          }
          continue;
        }
      }
      switch (acquired) {
        case Protocol.ValueExists v -> {
          V value = ctx.readDirect(keys);
          if (value != null) {
            release(heldToken);
            succeed(Optional.of(value));
            return false;
          }
        }
        case Protocol.Remembered r -> {
          if (r.outcome() instanceof Protocol.Absent && (trigger == null ? !sawHolder : !listening)) {
            source = Source.HIT; // the cached absence, found without waiting
          }
          release(heldToken);
          settle(r.outcome(), false);
          return false;
        }
        case Protocol.Acquired a -> {
          if (sawHolder) {
            ctx.counters.takeovers.increment();
          }
          if (trigger == null) {
            new Holder<>(this, token).compute(true);
            return false;
          }
          if (!listening && !listen()) {
            return false;
          }
          heldToken = token;
          if (!new Holder<>(this, token).trigger()) {
            return false;
          }
        }
        case Protocol.Locked locked -> {
          sawHolder = heldToken == null;
          if (!listening) {
            state = State.SUBSCRIBING;
            listenThenCheck(false); // then re-checks: closes the race with an earlier publish
            continue;
          }
          long pttl = locked.pttlMillis();
          long waitMs = pttl > 0 ? pttl + EXPIRY_SLACK_MS : ctx.settings.lockTimeout().toMillis();
          state = heldToken == null ? State.WAITING : State.TRIGGERED;
          // Waits without a thread: the next event, or the lock's expiry (a vanished holder is
          // then taken over), or the callers' deadline starts the next turn.
          if (park(now + Math.min(dl - now, TimeUnit.MILLISECONDS.toNanos(waitMs)))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * Completes the flight with a remembered or announced outcome: an absence serves an empty
   * value, a failure fails every caller.
   */
  private void settle(Protocol.Outcome outcome, boolean announced) {
    switch (outcome) {
      case Protocol.Absent a -> {
        if (announced) {
          ctx.counters.wakeUps.increment();
        }
        succeed(Optional.empty());
      }
      case Protocol.Failed f -> {
        ctx.counters.failures.increment();
        fail(new ComputationFailedException(ctx.tag, keys.id, f.className(), f.message(), null));
      }
    }
  }

  /** Handles one event while waiting: {@code true} when the flight is over. */
  private boolean handle(FlightEvent event) {
    return switch (event) {
      case FlightEvent.Resync r -> {
        checked = null; // a re-check's answer from before it is stale
        yield false;
      }
      case FlightEvent.Checked c -> {
        checking = false;
        if (c.subscribeFailure() != null) {
          throw subscribeFailed(c.subscribeFailure());
        }
        checked = current(c.resyncs()) ? c.acquisition() : null;
        yield false;
      }
      case FlightEvent.Due d -> false;
      case FlightEvent.Closed c -> {
        release(heldToken);
        yield true;
      }
      case FlightEvent.Abandoned a -> {
        if (joiners() <= 0 && heldToken == null) {
          restart();
          yield true;
        }
        yield false;
      }
      case FlightEvent.Heard h -> {
        if (heard(h.signal())) {
          yield true;
        }
        // Not settled by it (a failure under RETRY, a notification without the value): a
        // re-check's answer from before this message is stale, the lock is tried again.
        outdateCheck();
        checked = null;
        yield false;
      }
    };
  }

  private boolean heard(Protocol.Signal signal) {
    if (signal instanceof Protocol.OutcomeSignal o) {
      if (o.outcome() instanceof Protocol.Failed
          && ctx.settings.failurePolicy() == FailurePolicy.RETRY) {
        return false; // compete for the lock again
      }
      release(heldToken);
      settle(o.outcome(), true);
      return true;
    }
    if (result.isDone()) {
      return true; // completed from the subscriber's thread already
    }
    V value;
    try {
      value = ctx.storage.fromNotification(((Protocol.ValueSignal) signal).payload());
    } catch (Throwable t) {
      // Bytes a foreign publisher sent, or a codec's bug: this flight alone re-reads the stored
      // value, which decodes or fails its callers with a CodecException.
      ctx.counters.incidents.report(Incidents.Kind.NOTIFICATION, ctx.tag, keys.id, t);
      value = null;
    }
    if (value == null) {
      state = State.READING; // then a re-check of the lock, back to waiting
      value = ctx.readDirect(keys);
    }
    if (value == null) {
      return false;
    }
    release(heldToken);
    wakeUp(Optional.of(value));
    return true;
  }
}
