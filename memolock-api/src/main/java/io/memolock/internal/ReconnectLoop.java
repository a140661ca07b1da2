package io.memolock.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link Subscriber}'s thread: runs its connections one after another until it is closed, with a
 * backoff between attempts that doubles from {@value #MIN_BACKOFF_MS} ms to {@value
 * #MAX_BACKOFF_MS} ms and starts again once a connection got ready. Stateless.
 */
final class ReconnectLoop {
  static final long MIN_BACKOFF_MS = 20;
  static final long MAX_BACKOFF_MS = 2_000;

  private ReconnectLoop() {}

  /**
   * @param closed whether the subscriber is closed
   * @param connect makes the next connection
   * @param problem reports what ended a connection (counted and logged)
   * @param disconnected runs after each connection ended
   */
  static void run(
      BooleanSupplier closed,
      Supplier<PubSubConnection> connect,
      Consumer<Throwable> problem,
      Runnable disconnected) {
    long backoff = MIN_BACKOFF_MS;
    while (!closed.getAsBoolean()) {
      PubSubConnection connection = connect.get();
      try {
        connection.run();
      } catch (Throwable e) {
        // Whatever ended the connection (an outage, a protocol error, an Error thrown by the
        // client), the subscriber survives it: it reconnects and its listeners re-check.
        if (!closed.getAsBoolean()) {
          problem.accept(e);
        }
      }
      if (connection.wasReady()) {
        backoff = MIN_BACKOFF_MS;
      }
      disconnected.run();
      try {
        TimeUnit.MILLISECONDS.sleep(backoff);
      } catch (InterruptedException e) {
        return; // closing
      }
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    }
  }

  /** Waits for a loop's thread to end after its close (2 s, then interrupts it and waits 2 more). */
  static void stop(Thread thread) {
    try {
      if (!thread.join(java.time.Duration.ofSeconds(2))) {
        thread.interrupt();
        thread.join(java.time.Duration.ofSeconds(2));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
