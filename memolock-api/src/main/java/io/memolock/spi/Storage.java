package io.memolock.spi;

import java.util.List;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Redis data structure holding a resource's value. Implementations must be thread-safe.
 *
 * <p>A value is written by a Lua fragment ({@link #writeScript()}) that the MemoLock embeds in its
 * own script, so the write, its TTL, the notification and the owner-checked unlock happen
 * atomically.
 *
 * @param <V> the value type
 */
public interface Storage<V> {

  /**
   * The Redis type of the value key, as {@code TYPE} names it: {@code "string"}, {@code "hash"},
   * {@code "zset"}, ... Error messages name it when a key holds another type.
   *
   * @return the type name
   */
  String redisType();

  /**
   * Reads the whole value.
   *
   * @param redis the client
   * @param key the value key
   * @return the value, or {@code null} if the key does not exist
   * @throws io.memolock.CodecException if the stored bytes cannot be decoded
   * @throws redis.clients.jedis.exceptions.JedisDataException if the key holds another type
   */
  @Nullable V read(UnifiedJedis redis, byte[] key);

  /**
   * Whether {@link #readAll} reads several values in one round trip. Default {@code false}. When
   * {@code true}, a MemoLock on a standalone {@code RedisClient} reads the values of concurrent
   * callers of different ids in batches while all of the client's connections are busy, instead of
   * queueing each read for a connection of its own.
   *
   * @return whether {@link #readAll} is supported
   */
  default boolean readsInBatches() {
    return false;
  }

  /**
   * Reads several whole values in one round trip. Called only when {@link #readsInBatches()}: on a
   * standalone client with any keys, on a cluster client only with keys of one hash slot (a bulk
   * get groups them so).
   *
   * @param redis the client
   * @param keys the value keys, at least one
   * @return one entry per key, in order: the value, or {@code null} if the key does not exist. A
   *     key holding another Redis type may read as missing (as {@code MGET} has it): the MemoLock
   *     then meets the wrong type on its next step, and reports it
   * @throws io.memolock.CodecException if a stored value cannot be decoded (the MemoLock then reads
   *     each key on its own, so that every caller gets the answer about its own key)
   * @throws UnsupportedOperationException by default
   */
  default List<@Nullable V> readAll(UnifiedJedis redis, List<byte[]> keys) {
    throw new UnsupportedOperationException(getClass().getName() + " does not read in batches");
  }

  /**
   * Encodes a value for {@link #writeScript()}.
   *
   * @param value the value
   * @return the script arguments and the notification payload
   * @throws io.memolock.CodecException if the value cannot be encoded
   */
  Write encode(V value);

  /**
   * A Lua fragment that replaces the value at {@code KEYS[1]} with the one encoded in {@link
   * #encode}. The MemoLock runs it inside its store script, after the owner check and before the
   * notification and the unlock, all in one atomic step. Its contract:
   *
   * <ul>
   *   <li>{@code KEYS[1]} is the value key (the only key it may touch; {@code KEYS[2]} and {@code
   *       KEYS[3]}, the lock and failure key, are the MemoLock's).
   *   <li>{@code ARGV[2]} is the time to live in milliseconds, a decimal integer from 1 to {@code
   *       Computed.MAX_TTL}: the fragment must give the key exactly this TTL ({@code SET ... PX},
   *       or {@code PEXPIRE} after building the key).
   *   <li>{@code ARGV[5]} onwards are {@link Write#args()}, in order; {@code ARGV[1]}, {@code
   *       ARGV[3]} and {@code ARGV[4]} (token, channel, payload) are the MemoLock's and must not
   *       be relied on.
   *   <li>It must replace any previous value whole (delete, then write), so no field of an older
   *       value survives.
   *   <li>It runs as the body of a Lua function of its own: its locals are its own, it cannot see
   *       or change the store script's state, and a {@code return} only ends the fragment. It
   *       should not return a value (it is ignored) nor call {@code redis.error_reply}, except
   *       to refuse a write, which fails the store with that error.
   * </ul>
   *
   * @return the fragment
   */
  String writeScript();

  /**
   * @param payload a notification payload
   * @return the value it carries, or {@code null} if the value must be read from Redis
   * @throws io.memolock.CodecException if the payload cannot be decoded
   */
  @Nullable V fromNotification(byte[] payload);

  /**
   * Reads a part of a value with as few commands as possible (see {@link
   * io.memolock.MemoLock#readIfPresent}). Storage modules provide them; they must be thread-safe.
   *
   * @param <R> what is read
   */
  @FunctionalInterface
  interface Reader<R> {

    /**
     * @param redis the client
     * @param key the value key
     * @return the part read, or {@code null} if the key does not exist
     * @throws io.memolock.CodecException if the stored bytes cannot be decoded
     * @throws redis.clients.jedis.exceptions.JedisDataException if the key holds another type
     */
    @Nullable R read(UnifiedJedis redis, byte[] key);
  }

  /**
   * An encoded value.
   *
   * @param args arguments for the write script
   * @param payload what is published on the notification channel
   */
  record Write(List<byte[]> args, byte[] payload) {}
}
