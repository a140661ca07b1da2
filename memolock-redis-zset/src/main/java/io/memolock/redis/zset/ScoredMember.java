package io.memolock.redis.zset;

import java.util.Objects;

/**
 * A member of a sorted set with its score, as partial reads return them. Immutable.
 *
 * @param member the member
 * @param score its score (never NaN)
 * @param <M> the member type
 */
public record ScoredMember<M>(M member, double score) {

  /**
   * @param member the member
   * @param score its score
   * @throws NullPointerException if member is null
   * @throws IllegalArgumentException if score is NaN
   */
  public ScoredMember {
    Objects.requireNonNull(member, "member");
    if (Double.isNaN(score)) {
      throw new IllegalArgumentException("a score cannot be NaN");
    }
  }
}
