package io.memolock.internal;

import io.memolock.LeaseLostException;
import io.memolock.MemoLockException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Extends the leases of one MemoLock's running computations every third of the lock timeout: one
 * thread for all of them, asleep while none is due, and a short-lived thread per due extension, so
 * a slow Redis holds up no other lease (a renewal that returns after its lock expired is harmless:
 * it is owner-checked). A computation that ends within a third of the lock timeout, the common
 * case, costs a queue entry: no thread, no timer. Stopped with park/unpark, never an interrupt:
 * an interrupt during a Redis call would close the virtual thread's pooled socket.
 *
 * <p>Every renewal waits the same period, so the queue is in due order: the renewer only looks at
 * its head. Stopped renewals leave the queue when they reach the head (at most one period later).
 * Thread-safe.
 */
final class Renewer implements Runnable {

  /** One computation's automatic lease renewal. */
  static final class Renewal {
    final LeaseImpl lease;
    /** When the next extension is due ({@link System#nanoTime()}). */
    volatile long at;
    volatile boolean stopped;

    Renewal(LeaseImpl lease, long at) {
      this.lease = lease;
      this.at = at;
    }
  }

  private final Settings settings;
  private final Incidents incidents;
  private final BooleanSupplier closed;
  private final ConcurrentLinkedQueue<Renewal> queue = new ConcurrentLinkedQueue<>();
  private final long period;
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile @Nullable Thread thread;
  /** Set while the renewer sleeps with an empty queue: a new renewal must wake it. */
  private volatile boolean idle;

  Renewer(Settings settings, Incidents incidents, BooleanSupplier closed) {
    this.settings = settings;
    this.incidents = incidents;
    this.closed = closed;
    this.period = Math.max(1, settings.lockTimeout().toNanos() / 3);
  }

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

  /** Wakes the renewer (after close, so that it ends). */
  void wake() {
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  @Override
  public void run() {
    while (!closed.getAsBoolean()) {
      Renewal head = queue.peek();
      if (head == null) {
        idle = true;
        if (queue.isEmpty() && !closed.getAsBoolean()) {
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
      incidents.report(Incidents.Kind.RENEWAL, settings.tag(), renewal.lease.id, e); // again later
    }
    if (!renewal.stopped && !closed.getAsBoolean()) {
      renewal.at = System.nanoTime() + period;
      enqueue(renewal);
    }
  }
}
