package io.memolock;

/**
 * Starts an external producer of a value (see {@link MemoLock#getExternal}). Runs in the lock
 * holder only, after it listens for the value, so the producer's notification cannot be missed.
 */
@FunctionalInterface
public interface Trigger {

  /**
   * Starts the producer. It should return promptly; the producer later stores the value and
   * publishes it (for example with {@link MemoLock#put} or {@code SET} + {@code PUBLISH}).
   *
   * @param lease the lock held while the producer runs; it can be extended
   * @throws Exception if the producer could not be started: reported to every waiter as a {@link
   *     ComputationFailedException} and the lock is released
   */
  void start(Lease lease) throws Exception;
}
