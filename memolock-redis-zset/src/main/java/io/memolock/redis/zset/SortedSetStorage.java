package io.memolock.redis.zset;

import io.memolock.CodecException;
import io.memolock.MemoLock;
import io.memolock.spi.Codec;
import io.memolock.spi.Storage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ZRangeParams;
import redis.clients.jedis.resps.Tuple;

/**
 * Values stored as Redis Sorted Sets: a value is a {@code Map<M, Double>} from member to score,
 * each member encoded by a {@link Codec}. The top N members, or the members in a score range, can
 * be read alone with {@link #view(MemoLock)}: one {@code ZRANGE} of just that part.
 *
 * <p>Layout (see {@code docs/storage-layouts.md}): the value key {@code T:I} is a sorted set of
 * the encoded members with their scores. Redis deletes empty sets, so an empty map is stored as a
 * set holding only the {@linkplain #EMPTY_MEMBER sentinel member} {@code "\0memolock:empty"} with
 * score 0; readers ignore that member. A write replaces the whole set ({@code DEL}, {@code ZADD},
 * {@code PEXPIRE}) in the MemoLock's atomic script, with the notification and the owner-checked
 * unlock. The notification payload is empty: waiters read the set.
 *
 * <p>Order: reads return members by descending score, ties by descending member bytes (unsigned
 * lexicographic), which is Redis's {@code ZRANGE ... REV} order. The map returned by a full read
 * iterates in that order, except for the caller whose own computation produced it, which gets the
 * computed map itself. Scores: any double but NaN; {@code -0.0} is stored (and read back) as
 * {@code 0.0}, as Redis does not keep the sign of zero; infinities are kept.
 *
 * <p>Thread-safe when its codec is. Members must have value equality ({@code String}, records,
 * ...): two members whose encodings are equal, or that decode to equal values, are an error.
 *
 * @param <M> the member type
 */
public final class SortedSetStorage<M> implements Storage<Map<M, Double>> {

  /**
   * The member an empty set holds, with score 0: {@code "\0memolock:empty"} (a NUL, then {@code
   * memolock:empty}). A member whose encoding equals it cannot be stored.
   */
  public static final String EMPTY_MEMBER = "\0memolock:empty";

  static final byte[] SENTINEL = EMPTY_MEMBER.getBytes(StandardCharsets.UTF_8);
  private static final byte[] NO_PAYLOAD = new byte[0];

  private final Codec<M> codec;

  private SortedSetStorage(Codec<M> codec) {
    this.codec = codec;
  }

  /**
   * @param memberCodec turns each member into bytes; held {@linkplain Codec#guarded guarded}, so
   *     whatever it throws on bytes it cannot decode reads as a {@link CodecException}
   * @param <M> the member type
   * @return a storage using that codec
   */
  public static <M> SortedSetStorage<M> of(Codec<M> memberCodec) {
    return new SortedSetStorage<>(
        Codec.guarded(Objects.requireNonNull(memberCodec, "memberCodec")));
  }

  /** @return sets of text members, each in strict UTF-8 */
  public static SortedSetStorage<String> utf8() {
    return of(Codec.utf8());
  }

  /**
   * The partial reads of a MemoLock that uses this storage (or another {@code SortedSetStorage}
   * with the same codec).
   *
   * @param memoLock the MemoLock
   * @return its view
   */
  public SortedSetView<M> view(MemoLock<Map<M, Double>> memoLock) {
    return new SortedSetView<>(Objects.requireNonNull(memoLock, "memoLock"), this);
  }

  /** @return {@code "zset"} */
  @Override
  public String redisType() {
    return "zset";
  }

  /** {@inheritDoc} One {@code ZRANGE key 0 -1 REV WITHSCORES}. */
  @Override
  public @Nullable Map<M, Double> read(UnifiedJedis redis, byte[] key) {
    List<Tuple> tuples = redis.zrangeWithScores(key, ZRangeParams.zrangeParams(0, -1).rev());
    if (tuples.isEmpty()) {
      return null;
    }
    Map<M, Double> value = new LinkedHashMap<>();
    for (ScoredMember<M> member : decode(tuples)) {
      value.put(member.member(), member.score());
    }
    return Collections.unmodifiableMap(value);
  }

  /**
   * {@inheritDoc}
   *
   * @throws CodecException also for a null member or score, a NaN score, the reserved {@link
   *     #EMPTY_MEMBER}, or two members with the same encoding
   */
  @Override
  public Write encode(Map<M, Double> value) {
    if (value.isEmpty()) {
      return new Write(List.of(score(0), SENTINEL), NO_PAYLOAD);
    }
    List<byte[]> args = new ArrayList<>(2 * value.size());
    Set<ByteBuffer> seen = new HashSet<>();
    for (Map.Entry<M, Double> entry : value.entrySet()) {
      M member = entry.getKey();
      Double score = entry.getValue();
      if (member == null) {
        throw new CodecException(null, null, "a sorted set member cannot be null", null);
      }
      if (score == null || score.isNaN()) {
        throw new CodecException(
            null, null, "member " + member + " has score " + score + ": scores are numbers", null);
      }
      byte[] bytes;
      try {
        bytes = codec.encode(member);
      } catch (CodecException e) {
        throw new CodecException(null, null, "member " + member + ": " + e.getMessage(), e);
      }
      if (Arrays.equals(bytes, SENTINEL)) {
        throw new CodecException(
            null, null, "the member \"\\0memolock:empty\" is reserved for empty sets", null);
      }
      if (!seen.add(ByteBuffer.wrap(bytes))) {
        throw new CodecException(
            null, null, "two members have the same encoding (" + member + ")", null);
      }
      args.add(score(score));
      args.add(bytes);
    }
    return new Write(args, NO_PAYLOAD);
  }

  /**
   * {@inheritDoc} Replaces the set: {@code DEL}, then {@code ZADD} in batches of 500 members (Lua
   * cannot unpack arbitrarily many arguments at once), then {@code PEXPIRE}.
   */
  @Override
  public String writeScript() {
    return """
        redis.call('DEL', KEYS[1])
        for i = 5, #ARGV, 1000 do
          redis.call('ZADD', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        """;
  }

  /** {@inheritDoc} The payload is empty: waiters read the set from Redis. */
  @Override
  public @Nullable Map<M, Double> fromNotification(byte[] payload) {
    return null;
  }

  // ---------------------------------------------------------------- shared with SortedSetView

  /** Decodes Redis's reply in its order, without the sentinel. */
  List<ScoredMember<M>> decode(List<Tuple> tuples) {
    List<ScoredMember<M>> members = new ArrayList<>(tuples.size());
    Set<M> seen = new HashSet<>();
    for (Tuple tuple : tuples) {
      byte[] bytes = tuple.getBinaryElement();
      if (Arrays.equals(bytes, SENTINEL)) {
        continue;
      }
      M member;
      try {
        member = codec.decode(bytes);
      } catch (CodecException e) {
        throw new CodecException(null, null, "a sorted set member: " + e.getMessage(), e);
      }
      if (!seen.add(member)) {
        throw new CodecException(
            null, null, "two members of the sorted set decode to the same value: " + member, null);
      }
      double score = tuple.getScore();
      if (Double.isNaN(score)) { // Redis refuses NaN scores; a reply holding one is not ours
        throw new CodecException(null, null, "member " + member + " has a NaN score", null);
      }
      members.add(new ScoredMember<>(member, score));
    }
    return members;
  }

  /**
   * A whole value's members in read order: descending score ({@code -0.0} equal to {@code 0.0}),
   * ties by descending encoded bytes, as Redis orders {@code ZRANGE ... REV}.
   */
  List<ScoredMember<M>> ranked(Map<M, Double> whole) {
    record Entry<M>(ScoredMember<M> member, byte[] bytes) {}
    List<Entry<M>> entries = new ArrayList<>(whole.size());
    for (Map.Entry<M, Double> e : whole.entrySet()) {
      double score = e.getValue();
      entries.add(
          new Entry<>(
              new ScoredMember<>(e.getKey(), score == 0 ? 0.0 : score), codec.encode(e.getKey())));
    }
    entries.sort(
        (a, b) -> {
          double x = a.member().score();
          double y = b.member().score();
          if (x != y) {
            return x > y ? -1 : 1;
          }
          return Arrays.compareUnsigned(b.bytes(), a.bytes());
        });
    List<ScoredMember<M>> ranked = new ArrayList<>(entries.size());
    entries.forEach(e -> ranked.add(e.member()));
    return ranked;
  }

  private static byte[] score(double score) {
    String text;
    if (score == Double.POSITIVE_INFINITY) {
      text = "+inf";
    } else if (score == Double.NEGATIVE_INFINITY) {
      text = "-inf";
    } else if (score == 0) {
      text = "0"; // -0.0 too: Redis does not keep the sign of zero
    } else {
      text = Double.toString(score);
    }
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
