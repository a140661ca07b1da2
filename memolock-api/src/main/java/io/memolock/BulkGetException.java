package io.memolock;

import java.util.Map;

/**
 * Some ids of a {@link MemoLock#getAll} or {@link MemoLock#findAll} failed. Thrown once every id
 * has either been served or failed (or the call's timeout has passed): it carries the failure of
 * each failed id and the values of the others, so a caller can use what was served and knows
 * exactly which ids failed and why. Its {@link #getCause() cause} is the first id's failure (in
 * the order of the ids); {@link #id()} is {@code null}.
 */
public final class BulkGetException extends MemoLockException {
  private static final long serialVersionUID = 1L;

  private final transient Map<String, MemoLockException> failures;
  private final transient Map<String, ?> values;

  /**
   * @param tag resource tag
   * @param failures each failed id's failure, in the order of the ids; not empty
   * @param values each served id's value, in the order of the ids
   */
  public BulkGetException(
      String tag, Map<String, MemoLockException> failures, Map<String, ?> values) {
    super(tag, null, describe(failures, values), failures.values().iterator().next());
    this.failures = failures;
    this.values = values;
  }

  /**
   * @return the failure of every failed id, in the order of the ids (unmodifiable): a {@link
   *     MemoLockTimeoutException} for an id still pending at the timeout, a {@link
   *     ComputationFailedException}, an {@link AbsentValueException} (from {@code getAll} only),
   *     and so on, as a single {@link MemoLock#get} of that id would have thrown
   */
  public Map<String, MemoLockException> failures() {
    return failures;
  }

  /**
   * The values of the ids that were served, in the order of the ids (unmodifiable): the MemoLock's
   * value type {@code V} for {@link MemoLock#getAll}, {@code Optional<V>} for {@link
   * MemoLock#findAll}. The type parameter is not checked: it is for the caller's convenience.
   *
   * @param <T> {@code V} or {@code Optional<V>}, as above
   * @return the served ids' values
   */
  @SuppressWarnings("unchecked")
  public <T> Map<String, T> values() {
    return (Map<String, T>) values;
  }

  private static String describe(Map<String, MemoLockException> failures, Map<String, ?> values) {
    int total = failures.size() + values.size();
    StringBuilder text = new StringBuilder();
    text.append(failures.size()).append(" of ").append(total).append(" ids failed");
    int shown = 0;
    for (Map.Entry<String, MemoLockException> f : failures.entrySet()) {
      if (shown++ == 3) {
        text.append("; ...");
        break;
      }
      text.append(shown == 1 ? ": " : "; ").append('\'').append(f.getKey()).append("': ");
      text.append(f.getValue().getClass().getSimpleName());
    }
    return text.toString();
  }
}
