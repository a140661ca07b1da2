package io.memolock.redis.zset;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The documented read order, written independently of the implementation for tests: descending
 * score with -0.0 equal to 0.0 (Redis keeps no sign of zero), ties by descending UTF-8 bytes.
 */
final class Ranking {
  private Ranking() {}

  static List<ScoredMember<String>> of(Map<String, Double> whole) {
    Comparator<ScoredMember<String>> byScore =
        (a, b) -> a.score() == b.score() ? 0 : a.score() < b.score() ? 1 : -1;
    Comparator<ScoredMember<String>> byBytes =
        (a, b) ->
            Arrays.compareUnsigned(
                b.member().getBytes(StandardCharsets.UTF_8),
                a.member().getBytes(StandardCharsets.UTF_8));
    return whole.entrySet().stream()
        .map(e -> new ScoredMember<>(e.getKey(), e.getValue() == 0 ? 0.0 : e.getValue()))
        .sorted(byScore.thenComparing(byBytes))
        .toList();
  }
}
