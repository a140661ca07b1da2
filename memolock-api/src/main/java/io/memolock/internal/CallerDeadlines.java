package io.memolock.internal;

import java.util.Comparator;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Holds a caller's timeout while its own thread runs a Redis command. A command can block far
 * longer than any caller's timeout: a stalled server holds a read until the client's socket
 * timeout, and a cluster client's retries can hold one call for many seconds. So a caller that runs
 * a command on its own thread (the first read of a flight) arms a deadline first; if the command is
 * still running when the deadline passes, one timer thread interrupts the caller. On a virtual
 * thread an interrupt ends a blocking socket read at once (the JDK closes the socket; the pool then
 * drops that connection), and it ends a wait for a permit or a batched read, so the caller returns
 * at its own timeout whatever the command is doing. A platform thread's blocking socket read
 * ignores the interrupt (the JDK cannot end it), so there it ends at the client's socket timeout;
 * its waits for a permit or a batch still end at the deadline.
 *
 * <p>The race between the timer and a command that ends just in time is settled by one state per
 * arming: the caller's {@link Armed#disarm} and the timer both try to move it from {@code ARMED};
 * when the timer wins, {@code disarm} waits until its interrupt has been delivered and clears it,
 * so no stray interrupt outlives the call. Arming costs a skip-list insert and remove, and never a
 * thread wake-up on the hit path: while anything is armed the timer wakes every {@link #TICK_NANOS}
 * (or at the earliest deadline, if sooner), so a deadline fires at most one tick late; with nothing
 * armed it parks until the next arming. The timer thread starts on first use and stops with {@link
 * #close}.
 *
 * <p>Thread-safe.
 */
final class CallerDeadlines {
  private static final int ARMED = 0;
  private static final int FIRING = 1;
  private static final int FIRED = 2;
  private static final int DONE = 3;
  /** How often the timer looks at the armed deadlines while any exist. */
  static final long TICK_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(5);

  private final AtomicLong sequence = new AtomicLong();
  private final ConcurrentSkipListSet<Armed> armed =
      new ConcurrentSkipListSet<>(
          Comparator.comparingLong((Armed a) -> a.at).thenComparingLong(a -> a.seq));
  private final ReentrantLock startLock = new ReentrantLock();
  private volatile @Nullable Thread timer;
  private volatile boolean closed;
  /** Set while the timer parks with nothing armed: the next arming must wake it. */
  private volatile boolean sleeping;

  /** One armed deadline. */
  final class Armed {
    final Thread thread = Thread.currentThread();
    final long at;
    final long seq = sequence.incrementAndGet();
    final AtomicInteger state = new AtomicInteger(ARMED);

    Armed(long at) {
      this.at = at;
    }

    /**
     * Ends the arming, on the thread that armed it.
     *
     * @return {@code true} if the deadline fired (the caller's timeout passed during the call);
     *     the interrupt it caused has been cleared
     */
    boolean disarm() {
      if (state.compareAndSet(ARMED, DONE)) {
        armed.remove(this);
        return false;
      }
      while (state.get() == FIRING) {
        Thread.onSpinWait();
      }
      Thread.interrupted(); // the timer's interrupt, delivered by now
      return true;
    }

    /** @return whether the deadline has fired (the caller is or was interrupted by the timer) */
    boolean fired() {
      int s = state.get();
      return s == FIRING || s == FIRED;
    }
  }

  /**
   * Arms a deadline for the calling thread.
   *
   * @param deadline in {@link System#nanoTime()} terms
   * @return what to {@link Armed#disarm} when the call ends, in a {@code finally} block
   */
  Armed arm(long deadline) {
    Armed a = new Armed(deadline);
    armed.add(a);
    Thread t = timer;
    if (t == null) {
      t = startTimer();
    }
    if (t != null && sleeping) {
      LockSupport.unpark(t); // the timer parks without end only while nothing is armed
    }
    return a;
  }

  /** Stops the timer thread; deadlines armed afterwards never fire. */
  void close() {
    closed = true;
    Thread t = timer;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  private @Nullable Thread startTimer() {
    startLock.lock();
    try {
      if (timer == null && !closed) {
        Thread t = Thread.ofPlatform().daemon().name("memolock-deadlines").unstarted(this::run);
        timer = t;
        t.start();
      }
      return timer;
    } finally {
      startLock.unlock();
    }
  }

  private void run() {
    while (!closed) {
      Armed head = armed.isEmpty() ? null : firstOrNull();
      if (head == null) {
        sleeping = true;
        if (armed.isEmpty() && !closed) {
          LockSupport.park(this);
        }
        sleeping = false;
        continue;
      }
      long wait = head.at - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(this, Math.min(wait, TICK_NANOS));
        continue;
      }
      armed.remove(head);
      if (head.state.compareAndSet(ARMED, FIRING)) {
        head.thread.interrupt();
        head.state.set(FIRED);
      }
    }
  }

  private @Nullable Armed firstOrNull() {
    try {
      return armed.first();
    } catch (java.util.NoSuchElementException e) {
      return null; // emptied between isEmpty and first
    }
  }
}
