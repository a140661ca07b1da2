package io.memolock.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Wakes one MemoLock's parked flights (see {@link FlightRecord#park}) when their lock's TTL or
 * their callers' deadline runs out, by telling them {@link FlightEvent.Due}. A waiting id costs it
 * no object: the timers are the flights themselves, in a binary heap ordered by {@link
 * FlightRecord#wakeAt}, each flight knowing its slot ({@link FlightRecord#timerSlot}), so that
 * arming, cancelling and firing allocate nothing and a cancel (the common end: the notification
 * came first) costs O(log n). One platform thread, started on first use, waits for the earliest
 * time; {@link #close} stops it and forgets every timer.
 *
 * <p>Thread-safe: the heap and the flights' timer fields are guarded by one {@link ReentrantLock}
 * (never a monitor; nothing blocks under it); the flights are told outside it.
 */
final class Wakeups {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition earlier = lock.newCondition();
  private final String threadName;
  private FlightRecord<?>[] heap = new FlightRecord<?>[16];
  private int size;
  private @Nullable Thread thread;
  private boolean closed;

  Wakeups(String threadName) {
    this.threadName = threadName;
  }

  /**
   * Arms (or re-arms) a flight's timer.
   *
   * @param atNanos when, in {@link System#nanoTime()} terms
   * @return {@code false} if closed (the flight is not armed)
   */
  boolean arm(FlightRecord<?> flight, long atNanos) {
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      if (flight.timerSlot >= 0) {
        removeAt(flight.timerSlot);
      }
      flight.wakeAt = atNanos;
      if (size == heap.length) {
        heap = java.util.Arrays.copyOf(heap, size * 2);
      }
      heap[size] = flight;
      flight.timerSlot = size;
      up(size++);
      if (heap[0] == flight) {
        if (thread == null) {
          Thread t = Thread.ofPlatform().daemon().name(threadName).unstarted(this::run);
          thread = t;
          t.start();
        }
        earlier.signal();
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Disarms a flight's timer, if armed. */
  void cancel(FlightRecord<?> flight) {
    lock.lock();
    try {
      if (flight.timerSlot >= 0) {
        removeAt(flight.timerSlot);
      }
    } finally {
      lock.unlock();
    }
  }

  /** @return armed timers (for tests of cleanup paths) */
  int armed() {
    lock.lock();
    try {
      return size;
    } finally {
      lock.unlock();
    }
  }

  /** Stops the thread and forgets every timer; later arms are refused. */
  void close() {
    lock.lock();
    try {
      closed = true;
      for (int i = 0; i < size; i++) {
        heap[i].timerSlot = -1;
        heap[i] = null;
      }
      size = 0;
      earlier.signal();
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    while (true) {
      FlightRecord<?> due;
      lock.lock();
      try {
        while (true) {
          if (closed) {
            return;
          }
          if (size == 0) {
            earlier.await();
            continue;
          }
          long wait = heap[0].wakeAt - System.nanoTime();
          if (wait <= 0) {
            due = heap[0];
            removeAt(0);
            break;
          }
          earlier.await(wait, TimeUnit.NANOSECONDS);
        }
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      due.tell(new FlightEvent.Due());
    }
  }

  /** Must hold the lock. */
  private void removeAt(int slot) {
    FlightRecord<?> gone = heap[slot];
    gone.timerSlot = -1;
    FlightRecord<?> last = heap[--size];
    heap[size] = null;
    if (slot == size) {
      return;
    }
    heap[slot] = last;
    last.timerSlot = slot;
    up(slot);
    down(last.timerSlot);
  }

  private void up(int slot) {
    FlightRecord<?> f = heap[slot];
    while (slot > 0) {
      int parent = (slot - 1) >>> 1;
      FlightRecord<?> p = heap[parent];
      if (f.wakeAt - p.wakeAt >= 0) {
        break;
      }
      heap[slot] = p;
      p.timerSlot = slot;
      slot = parent;
    }
    heap[slot] = f;
    f.timerSlot = slot;
  }

  private void down(int slot) {
    FlightRecord<?> f = heap[slot];
    while (true) {
      int child = 2 * slot + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && heap[child + 1].wakeAt - heap[child].wakeAt < 0) {
        child++;
      }
      FlightRecord<?> c = heap[child];
      if (c.wakeAt - f.wakeAt >= 0) {
        break;
      }
      heap[slot] = c;
      c.timerSlot = slot;
      slot = child;
    }
    heap[slot] = f;
    f.timerSlot = slot;
  }
}
