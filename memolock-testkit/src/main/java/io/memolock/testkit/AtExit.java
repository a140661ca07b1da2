package io.memolock.testkit;

import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The testkit's clean-ups at JVM exit (redis-server processes, containers, extracted binaries), run
 * by one shutdown hook, the last registered first, each one's failure reported on standard error
 * without stopping the others. Thread-safe.
 */
final class AtExit {
  static final String LOG_PREFIX = "[memolock-testkit] ";

  private static final Deque<Task> TASKS = new ConcurrentLinkedDeque<>();
  private static final AtomicBoolean INSTALLED = new AtomicBoolean();

  private record Task(String what, Runnable action) {}

  private AtExit() {}

  /**
   * @param what what the task does, for the message if it fails
   * @param action the clean-up; it may run while other threads still use what it cleans
   */
  static void register(String what, Runnable action) {
    if (INSTALLED.compareAndSet(false, true)) {
      Runtime.getRuntime().addShutdownHook(new Thread(AtExit::runAll, "memolock-testkit-redis-stop"));
    }
    TASKS.addFirst(new Task(what, action));
  }

  private static void runAll() {
    for (Task task : TASKS) {
      try {
        task.action().run();
      } catch (RuntimeException e) {
        System.err.println(LOG_PREFIX + task.what() + " failed: " + e);
      }
    }
  }
}
