package io.memolock;

/**
 * Computes the value of one missing resource among several asked for at once (see {@link
 * MemoLock#getAll}): a {@link Computation} that is told which id it computes. Runs in exactly one
 * process at a time per resource (the lock holder of that id), on a virtual thread of the
 * MemoLock; the computations of different ids run concurrently, so an implementation must be
 * thread-safe.
 *
 * @param <V> the value type
 */
@FunctionalInterface
public interface IdComputation<V> {

  /**
   * Computes the value of {@code id}.
   *
   * @param id the resource id this caller won the lock of
   * @param lease the lock held for this computation; it can be extended
   * @return the value and, optionally, its time to live (or {@link Computed#absent()}); never
   *     {@code null}
   * @throws Exception any failure; it is reported to every waiter of {@code id} as a {@link
   *     ComputationFailedException} and the lock is released
   */
  Computed<V> compute(String id, Lease lease) throws Exception;
}
