package io.memolock.internal;

import io.memolock.MemoLockException;
import java.util.concurrent.TimeUnit;

/**
 * Whether a holder's store that failed is tried again: only during an outage ({@link Outages}: a
 * cluster failing over, a restart), for at most one lock timeout after the first try, while the
 * MemoLock is open and the thread not interrupted. The store script is owner-checked, so a repeat
 * never overwrites a fresher value: if the lease was lost meanwhile, it writes nothing. Stateless
 * and thread-safe.
 */
final class StoreRetry {
  private static final long PAUSE_MS = 100;

  private StoreRetry() {}

  /**
   * @param ctx the MemoLock's parts
   * @param failure the store's failure
   * @param outageEnd when to give up ({@link System#nanoTime()})
   * @return whether to try again (after a short pause, taken here)
   */
  static boolean again(EngineContext<?> ctx, MemoLockException failure, long outageEnd) {
    Throwable cause = failure.getCause();
    if (cause == null
        || !Outages.isOutage(cause)
        || ctx.closed
        || Thread.currentThread().isInterrupted()
        || System.nanoTime() - outageEnd >= 0) {
      return false;
    }
    try {
      TimeUnit.MILLISECONDS.sleep(PAUSE_MS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
