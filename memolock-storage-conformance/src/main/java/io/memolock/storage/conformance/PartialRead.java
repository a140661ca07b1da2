package io.memolock.storage.conformance;

import io.memolock.Computation;
import io.memolock.MemoLock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One partial read a storage offers (a Hash's fields, a Sorted Set's top N, ...), described so the
 * conformance suite can check it against the full value. Implementations must be thread-safe.
 *
 * @param <V> the value type
 * @param <R> what the partial read returns
 */
public interface PartialRead<V, R> {

  /**
   * Reads the part without computing or waiting.
   *
   * @param lock the MemoLock
   * @param id the resource id
   * @return the part, or empty when Redis has no value (or holds the resource as absent)
   */
  Optional<R> ifPresent(MemoLock<V> lock, String id);

  /**
   * Reads the part, computing (or waiting for) the whole value on a miss.
   *
   * @param lock the MemoLock
   * @param id the resource id
   * @param timeout how long to wait at most
   * @param computation computes the whole value
   * @return the part, or empty when the resource is absent
   */
  Optional<R> find(MemoLock<V> lock, String id, Duration timeout, Computation<V> computation);

  /**
   * @param value a whole value
   * @return the part of it that this read must return
   */
  R project(V value);

  /** Reads the part without computing. */
  @FunctionalInterface
  interface IfPresent<V, R> {
    /**
     * @param lock the MemoLock
     * @param id the resource id
     * @return the part, or empty
     */
    Optional<R> read(MemoLock<V> lock, String id);
  }

  /** Reads the part, computing on a miss. */
  @FunctionalInterface
  interface Find<V, R> {
    /**
     * @param lock the MemoLock
     * @param id the resource id
     * @param timeout how long to wait at most
     * @param computation computes the whole value
     * @return the part, or empty
     */
    Optional<R> read(MemoLock<V> lock, String id, Duration timeout, Computation<V> computation);
  }

  /**
   * @param description shown in failure reports, e.g. {@code "fields [a, b]"}
   * @param ifPresent reads the part without computing
   * @param find reads the part, computing on a miss
   * @param project the part of a whole value
   * @param <V> the value type
   * @param <R> the part's type
   * @return the partial read
   */
  static <V, R> PartialRead<V, R> of(
      String description, IfPresent<V, R> ifPresent, Find<V, R> find, Function<V, R> project) {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(ifPresent, "ifPresent");
    Objects.requireNonNull(find, "find");
    Objects.requireNonNull(project, "project");
    return new PartialRead<>() {
      @Override
      public Optional<R> ifPresent(MemoLock<V> lock, String id) {
        return ifPresent.read(lock, id);
      }

      @Override
      public Optional<R> find(
          MemoLock<V> lock, String id, Duration timeout, Computation<V> computation) {
        return find.read(lock, id, timeout, computation);
      }

      @Override
      public R project(V value) {
        return project.apply(value);
      }

      @Override
      public String toString() {
        return description;
      }
    };
  }
}
