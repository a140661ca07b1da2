package io.memolock.internal;

import io.memolock.ComputationFailedException;
import io.memolock.Computed;
import io.memolock.MemoLockException;
import io.memolock.spi.Storage;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The lock holder's side of a flight: runs the computation (with its lease and automatic renewal)
 * or starts the external trigger, then stores and announces the result, or announces the failure.
 * Made by the flight's thread when it wins the lock, used on that thread only.
 *
 * <p>The rules enforced here: a failed computation or trigger releases the lock and tells every
 * waiter at once; a value the callers get is a value Redis stored, or they are told why not; a
 * holder whose lease was lost never overwrites what was written after (the protocol's store is
 * owner-checked), yet its own callers still get its result.
 *
 * @param <V> the value type
 */
final class Holder<V> {
  private final Flight<V> flight;
  private final EngineContext<V> ctx;
  private final byte[] token;
  private final LeaseImpl lease;

  Holder(Flight<V> flight, byte[] token) {
    this.flight = flight;
    this.ctx = flight.ctx;
    this.token = token;
    this.lease = new LeaseImpl(ctx.tag, flight.keys, token, ctx.commands, ctx.protocol);
  }

  /**
   * Runs the computation, then stores, announces and releases (or announces the failure).
   *
   * @param mayListen whether this runs inside {@link Flight#run} (whose end unregisters a listener)
   */
  void compute(boolean mayListen) {
    flight.state = Flight.State.COMPUTING;
    ctx.counters.computations.increment();
    flight.source = Flight.Source.COMPUTED;
    if (mayListen && !flight.listening && flight.joiners() >= Flight.LISTEN_WHEN_WAITED_ON_BY) {
      // Many callers wait on this computation: subscribe now, without waiting for the
      // acknowledgement, so that the store's own notification wakes them on the subscriber's
      // thread, together with the other instances' waiters, instead of after this thread has had
      // its turn to read the store's reply. If the subscription is not ready in time, the reply
      // completes them as usual.
      flight.listenNow();
    }
    Renewer.Renewal renewal = ctx.settings.autoRenew() ? ctx.renewer.start(lease) : null;
    Computed<V> computed;
    Storage.@Nullable Write write;
    try {
      computed = Objects.requireNonNull(flight.computation).compute(lease);
      if (computed == null) {
        throw new NullPointerException("the computation returned null instead of a Computed");
      }
      write = computed.isAbsent() ? null : ctx.encode(flight.keys.id, computed.value());
    } catch (Throwable t) {
      stop(renewal);
      if (ctx.closed) {
        Thread.interrupted();
      }
      announceFailure(t);
      return;
    }
    // From here on the holder's own notification may complete its callers (see onMessage).
    flight.state = Flight.State.STORING;
    stop(renewal);
    long ttl = (computed.ttl() != null ? computed.ttl() : ctx.settings.defaultTtl()).toMillis();
    boolean stored;
    long outageEnd = System.nanoTime() + ctx.settings.lockTimeout().toNanos();
    while (true) {
      try {
        // Commands.call already tries a second time on a fresh connection when one dies.
        stored =
            ctx.commands.protocol(
                flight.keys.id,
                () ->
                    write == null
                        ? ctx.protocol.storeAbsence(flight.keys, token, ttl)
                        : ctx.protocol.store(flight.keys, token, write, ttl));
        break;
      } catch (MemoLockException e) {
        if (StoreRetry.again(ctx, e, outageEnd)) {
          continue; // an outage (a cluster failing over): owner-checked, so safe to repeat
        }
        // A value the callers get must be a value Redis holds, or they are told: they fail
        // with the cause, and waiters elsewhere are told at once if Redis still listens.
        ctx.counters.incidents.report(Incidents.Kind.STORE, ctx.tag, flight.keys.id, e);
        storeFailed(e);
        return;
      }
    }
    if (!stored) {
      // The lease was lost and the lock is another holder's, or a fresher value (or absence) was
      // written meanwhile: nothing was overwritten. The callers here still get this
      // computation's result (see the README's lease section).
      lease.markLost();
    }
    flight.succeed(write == null ? Optional.empty() : Optional.of(computed.value()));
  }

  /**
   * Starts the external producer; the flight then waits for its value like any waiter.
   *
   * @return {@code false} if the trigger failed (announced; the flight is complete)
   */
  boolean trigger() {
    ctx.counters.computations.increment();
    flight.source = Flight.Source.COMPUTED;
    flight.state = Flight.State.TRIGGERED;
    try {
      Objects.requireNonNull(flight.trigger).start(lease);
      return true;
    } catch (Throwable t) {
      announceFailure(t);
      return false;
    }
  }

  private void stop(Renewer.@Nullable Renewal renewal) {
    if (renewal != null) {
      renewal.stopped = true;
    }
  }

  /** Releases the lock, tells every waiter, fails the callers here with the throwable. */
  private void announceFailure(Throwable t) {
    ctx.counters.failures.increment();
    Duration failureTtl = ctx.settings.failureTtl();
    MemoLockException announceFailed =
        announce(
            new Protocol.Failed(t.getClass().getName(), t.getMessage()),
            failureTtl == null ? 0 : failureTtl.toMillis());
    if (announceFailed != null) {
      t.addSuppressed(announceFailed);
    }
    flight.fail(
        new ComputationFailedException(ctx.tag, flight.keys.id, t.getClass().getName(), t.getMessage(), t));
  }

  /** The store failed: releases the lock, tells waiters elsewhere, fails the callers here. */
  private void storeFailed(MemoLockException cause) {
    MemoLockException error =
        new MemoLockException(
            ctx.tag,
            flight.keys.id,
            "the computed value could not be stored, so it is not returned: " + cause.getMessage(),
            cause);
    // A store failure is not the resource's own: it is never remembered (failure TTL 0).
    MemoLockException announceFailed =
        announce(new Protocol.Failed(MemoLockException.class.getName(), error.getMessage()), 0);
    if (announceFailed != null) {
      error.addSuppressed(announceFailed);
    }
    flight.fail(error);
  }

  /** @return the failure to announce, or null when announced (or refused: not our lock) */
  private @Nullable MemoLockException announce(Protocol.Failed failure, long failureTtlMillis) {
    try {
      ctx.commands.protocol(
          flight.keys.id, () -> ctx.protocol.fail(flight.keys, token, failure, failureTtlMillis));
      return null;
    } catch (MemoLockException e) {
      // Waiters elsewhere re-check when the lock expires; the callers here learn it at once.
      ctx.counters.incidents.report(Incidents.Kind.ANNOUNCE, ctx.tag, flight.keys.id, e);
      return e;
    }
  }
}
