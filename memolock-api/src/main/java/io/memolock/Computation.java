package io.memolock;

/**
 * Computes the value of a missing resource. Runs in exactly one process at a time per resource
 * (the lock holder), on a virtual thread of the MemoLock.
 *
 * @param <V> the value type
 */
@FunctionalInterface
public interface Computation<V> {

  /**
   * Computes the value.
   *
   * @param lease the lock held for this computation; it can be extended
   * @return the value and, optionally, its time to live; never {@code null}
   * @throws Exception any failure; it is reported to every waiter as a {@link
   *     ComputationFailedException} and the lock is released
   */
  Computed<V> compute(Lease lease) throws Exception;
}
