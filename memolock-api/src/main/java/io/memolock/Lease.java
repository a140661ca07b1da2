package io.memolock;

import java.time.Duration;

/**
 * The lock a computation holds on its resource. Thread-safe.
 *
 * <p>The lock lives for the MemoLock's lock timeout. When automatic renewal is on (the default),
 * the MemoLock extends it while the computation runs. A computation may also extend it itself.
 * Extension is owner-checked in Redis: only the holder of this lease's token can extend it.
 */
public interface Lease {

  /**
   * Sets the lock to expire {@code duration} from now, if this lease still holds it.
   *
   * @param duration the new time to live of the lock, at least one millisecond
   * @throws LeaseLostException if the lock expired or another process holds it now; the lease stays
   *     lost
   * @throws IllegalArgumentException if duration is shorter than one millisecond
   * @throws MemoLockException if Redis cannot be reached
   */
  void extend(Duration duration);

  /**
   * @return {@code false} once the MemoLock knows the lock is lost (a failed extension or
   *     automatic renewal); {@code true} does not prove the lock is still held
   */
  boolean held();

  /** @return the random token that identifies this lease in Redis */
  String token();
}
