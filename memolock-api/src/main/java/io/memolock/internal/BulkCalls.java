package io.memolock.internal;

import io.memolock.AbsentValueException;
import io.memolock.BulkGetException;
import io.memolock.IdComputation;
import io.memolock.MemoLock;
import io.memolock.MemoLockException;
import io.memolock.MemoLockInterruptedException;
import io.memolock.MemoLockTimeoutException;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * What every bulk get ({@link MemoLock#getAll}, {@link MemoLock#findAll}) does whatever serves it:
 * the ids checked and made distinct, one call per id run concurrently under the call's one
 * deadline, and the answers put together in the ids' order. {@link BulkGet} adds the engine's
 * shared reads in front; {@link #findEach} is the default of {@code MemoLock} for other
 * implementations (one {@link MemoLock#find} per id). Stateless, so thread-safe.
 *
 * <p>The concurrency, which is the hard part: each id's call runs on a thread of its own (one
 * virtual thread each by default), so 100 cold ids take about one computation's time. Each call
 * ends by itself at the deadline (every wait in the engine has the caller's timeout), so the
 * caller waits for all of them; a call still running {@link #GRACE_NANOS} past the deadline is
 * interrupted and counted as timed out. When the caller is interrupted, every call is interrupted
 * (each leaves its flight as an interrupted {@code get} would) and joined before the caller
 * returns: no thread outlives the call.
 */
public final class BulkCalls {
  /** How long past the deadline a call may take to end by itself before it is interrupted. */
  static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  private BulkCalls() {}

  /**
   * What each id of a bulk get came to: a value (an {@code Optional}, empty for an absence) or a
   * failure, by the id's position. Each position is written by one thread, and read after that
   * thread has been joined (or has counted down the latch the reader awaited).
   *
   * @param <V> the value type
   */
  static final class Answers<V> {
    final String tag;
    final List<String> ids;
    final @Nullable Optional<V>[] values;
    final @Nullable MemoLockException[] failures;

    @SuppressWarnings("unchecked")
    Answers(String tag, List<String> ids) {
      this.tag = tag;
      this.ids = ids;
      this.values = (Optional<V>[]) new Optional<?>[ids.size()];
      this.failures = new MemoLockException[ids.size()];
    }

    /** @return every id's value or absence, in order; else a BulkGetException with them all */
    Map<String, Optional<V>> found() {
      return collect(false);
    }

    /** @return every id's value, in order; an absence is an id's AbsentValueException */
    @SuppressWarnings("unchecked")
    Map<String, V> present() {
      return (Map<String, V>) (Map<String, ?>) collect(true);
    }

    private Map<String, Optional<V>> collect(boolean absentFails) {
      Map<String, Object> served = new LinkedHashMap<>();
      Map<String, MemoLockException> failed = new LinkedHashMap<>();
      for (int i = 0; i < ids.size(); i++) {
        String id = ids.get(i);
        Optional<V> value = values[i];
        MemoLockException failure = failures[i];
        if (failure == null && value == null) {
          failure = new MemoLockException(tag, id, "no answer (a bug: please report it)", null);
        }
        if (failure == null && absentFails && value.isEmpty()) {
          failure = new AbsentValueException(tag, id);
        }
        if (failure != null) {
          failed.put(id, failure);
        } else {
          served.put(id, absentFails ? value.orElseThrow() : value);
        }
      }
      Map<String, Object> values = Collections.unmodifiableMap(served);
      if (!failed.isEmpty()) {
        throw new BulkGetException(tag, Collections.unmodifiableMap(failed), values);
      }
      @SuppressWarnings("unchecked")
      Map<String, Optional<V>> typed = (Map<String, Optional<V>>) (Map<String, ?>) values;
      return typed;
    }
  }

  /**
   * @param ids the ids as given
   * @return the distinct ids in the order of their first occurrence
   * @throws NullPointerException if {@code ids} is null
   * @throws IllegalArgumentException for a null, empty or ill-formed id, naming its position
   */
  public static List<String> distinct(Collection<String> ids) {
    Objects.requireNonNull(ids, "ids");
    LinkedHashSet<String> seen = new LinkedHashSet<>();
    int index = 0;
    for (String id : ids) {
      if (id == null) {
        throw new IllegalArgumentException("ids[" + index + "] is null");
      }
      try {
        ResourceKeys.validateId(id);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("ids[" + index + "]: " + e.getMessage(), e);
      }
      seen.add(id);
      index++;
    }
    return List.copyOf(seen);
  }

  /**
   * @param timeout a caller's timeout
   * @throws NullPointerException if it is null
   * @throws IllegalArgumentException if it is not positive
   */
  public static void requirePositive(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
  }

  /**
   * Runs {@code call} for each of {@code positions} concurrently (on the caller's thread when
   * there is one) and records each answer in {@code answers}; see the class comment.
   *
   * @param call the call of one position, ending by itself at {@code deadline}
   * @throws MemoLockInterruptedException when the caller is interrupted; every call has ended
   *     then, and the caller's interrupt flag is set again
   */
  static <V> void run(
      Answers<V> answers,
      int[] positions,
      long deadline,
      Duration timeout,
      ThreadFactory threads,
      IntFunction<Optional<V>> call) {
    if (positions.length == 0) {
      return;
    }
    if (System.nanoTime() - deadline >= 0) {
      for (int p : positions) {
        answers.failures[p] = timedOut(answers, p, timeout);
      }
      return;
    }
    if (positions.length == 1) {
      runOne(answers, positions[0], call);
      if (answers.failures[positions[0]] instanceof MemoLockInterruptedException e
          && Thread.currentThread().isInterrupted()) {
        throw e; // the caller's own interrupt: the whole call ends with it
      }
      return;
    }
    Thread[] workers = new Thread[positions.length];
    CountDownLatch done = new CountDownLatch(positions.length);
    try {
      for (int w = 0; w < positions.length; w++) {
        int p = positions[w];
        Thread t =
            threads.newThread(
                () -> {
                  try {
                    runOne(answers, p, call);
                  } finally {
                    done.countDown();
                  }
                });
        if (t == null) {
          throw new MemoLockException(answers.tag, null, "the thread factory made no thread", null);
        }
        workers[w] = t;
        t.start();
      }
    } catch (RuntimeException | Error e) {
      stop(workers); // nothing started may outlive the call
      throw e;
    }
    try {
      if (!done.await(deadline - System.nanoTime() + GRACE_NANOS, TimeUnit.NANOSECONDS)) {
        boolean[] late = new boolean[workers.length];
        for (int w = 0; w < workers.length; w++) {
          late[w] = workers[w].isAlive();
        }
        stop(workers);
        for (int w = 0; w < workers.length; w++) {
          int p = positions[w];
          if (late[w] && answers.failures[p] instanceof MemoLockInterruptedException) {
            answers.failures[p] = timedOut(answers, p, timeout); // interrupted here, at the deadline
          }
        }
      }
    } catch (InterruptedException e) {
      stop(workers);
      Thread.currentThread().interrupt();
      throw new MemoLockInterruptedException(answers.tag, null, e);
    }
  }

  private static <V> void runOne(Answers<V> answers, int p, IntFunction<Optional<V>> call) {
    try {
      answers.values[p] = Objects.requireNonNull(call.apply(p), "answer");
    } catch (MemoLockException e) {
      answers.failures[p] = e;
    } catch (RuntimeException | Error e) {
      answers.failures[p] =
          new MemoLockException(answers.tag, answers.ids.get(p), "unexpected failure: " + e, e);
    }
  }

  private static MemoLockTimeoutException timedOut(Answers<?> answers, int p, Duration timeout) {
    return new MemoLockTimeoutException(
        answers.tag, answers.ids.get(p), timeout, "(the bulk call's deadline)");
  }

  /** Interrupts every started worker that still runs, then waits until each has ended. */
  private static void stop(@Nullable Thread[] workers) {
    for (Thread t : workers) {
      if (t != null && t.isAlive()) {
        t.interrupt();
      }
    }
    boolean interrupted = false;
    for (Thread t : workers) {
      while (t != null) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // keep waiting: no worker may outlive the call
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- MemoLock's default

  /**
   * The default {@link MemoLock#findAll}: one {@link MemoLock#find} per distinct id, all
   * concurrently on virtual threads, under one deadline.
   */
  public static <V> Map<String, Optional<V>> findEach(
      MemoLock<V> lock, Collection<String> ids, Duration timeout, IdComputation<V> computation) {
    return each(lock, ids, timeout, computation).found();
  }

  /** The default {@link MemoLock#getAll}: as {@link #findEach}, an absence failing its id. */
  public static <V> Map<String, V> getEach(
      MemoLock<V> lock, Collection<String> ids, Duration timeout, IdComputation<V> computation) {
    return each(lock, ids, timeout, computation).present();
  }

  private static <V> Answers<V> each(
      MemoLock<V> lock, Collection<String> ids, Duration timeout, IdComputation<V> computation) {
    Objects.requireNonNull(computation, "computation");
    requirePositive(timeout);
    List<String> distinct = distinct(ids);
    Answers<V> answers = new Answers<>(lock.tag(), distinct);
    long deadline = System.nanoTime() + Bytes.saturatedNanos(timeout);
    int[] all = new int[distinct.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    run(
        answers,
        all,
        deadline,
        timeout,
        Thread.ofVirtual().name("memolock-bulk").factory(),
        p -> {
          String id = distinct.get(p);
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw timedOut(answers, p, timeout);
          }
          return lock.find(id, Duration.ofNanos(left), lease -> computation.compute(id, lease));
        });
    return answers;
  }
}
