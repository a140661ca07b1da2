package io.memolock;

/** What waiters do when the computation they wait for fails. */
public enum FailurePolicy {
  /** Every waiter gets a {@link ComputationFailedException} at once (the default). */
  PROPAGATE,
  /**
   * The waiters compete for the lock again; one of them runs its own computation, the others wait
   * for it. The caller whose computation failed still gets the exception.
   */
  RETRY
}
