package io.memolock.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/** The Lua scripts of the protocol, run with EVALSHA and loaded on first use. Thread-safe. */
final class Scripts {

  /**
   * KEYS: value, lock, failure key. ARGV: token, lock timeout ms. Returns {1} value exists, {2,
   * payload} failure remembered, {0} lock acquired, {3, pttl} locked by someone. A lock key of
   * another type than a String (which {@code SET NX} would take for a held lock, forever, as it has
   * no TTL) is a {@code WRONGTYPE} error, as a wrong type at the value key is.
   */
  static final Script ACQUIRE =
      new Script(
          """
          if redis.call('EXISTS', KEYS[1]) == 1 then return {1} end
          local f = redis.call('GET', KEYS[3])
          if f then return {2, f} end
          if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0} end
          if redis.call('TYPE', KEYS[2]).ok ~= 'string' then
            return redis.error_reply('WRONGTYPE the lock key holds another type than a string')
          end
          return {3, redis.call('PTTL', KEYS[2])}
          """);

  /**
   * The re-check of a waiter once it listens (see {@link Protocol#recheck}); takes nothing. KEYS:
   * value, lock, failure key. Returns {1} value exists, {2, payload} failure remembered, else {3,
   * the lock's PTTL} (-2: no lock, -1: one without a TTL; the waiter then acquires as usual, where
   * a lock key of another type is reported).
   */
  static final Script RECHECK =
      new Script(
          """
          if redis.call('EXISTS', KEYS[1]) == 1 then return {1} end
          local f = redis.call('GET', KEYS[3])
          if f then return {2, f} end
          return {3, redis.call('PTTL', KEYS[2])}
          """);

  /**
   * The start of the holder's writes (store, absence). KEYS[1..3]: value, lock, failure key;
   * ARGV[1]: the holder's token, or '' for a producer (no check, lock untouched). Sets {@code
   * owner} to the token when the lock is still ours. Returns 0 (nothing written) when another
   * holder owns the lock, and also when the lock is free but a value or an absence exists: the
   * lease was lost (it expired) and whatever is there was written after that by a newer holder or
   * a producer, so a late holder never overwrites a fresher value.
   */
  static final String OWNER_CHECK =
      """
      local owner = false
      if ARGV[1] ~= '' then
        owner = redis.call('GET', KEYS[2])
        if owner and owner ~= ARGV[1] then return 0 end
        if not owner and (redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[3]) == 1)
          then return 0 end
      end
      """;

  /** KEYS: lock. ARGV: token, ms. Returns 1 if extended, 0 if the lock is not ours. */
  static final Script RENEW =
      new Script(
          """
          if redis.call('GET', KEYS[1]) == ARGV[1] then
            return redis.call('PEXPIRE', KEYS[1], ARGV[2])
          end
          return 0
          """);

  /** KEYS: lock. ARGV: token. Returns 1 if deleted, 0 if the lock is not ours. */
  static final Script RELEASE =
      new Script(
          """
          if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
          return 0
          """);

  /**
   * KEYS: lock, failure key. ARGV: token, failure channel, payload, failure ttl ms (0 = none).
   * Releases our lock and announces the failure; does nothing if another holder owns the lock.
   */
  static final Script FAIL =
      new Script(
          """
          local owner = redis.call('GET', KEYS[1])
          if owner and owner ~= ARGV[1] then return 0 end
          if owner then redis.call('DEL', KEYS[1]) end
          if tonumber(ARGV[4]) > 0 then redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4]) end
          redis.call('PUBLISH', ARGV[2], ARGV[3])
          return 1
          """);

  /**
   * Caches an absence. KEYS: value, lock, failure key. ARGV: token ('' for a producer: no owner
   * check, lock untouched), ttl ms, failure channel, absence payload. Deletes the value, keeps the
   * absence in the failure key for the ttl, announces it on the failure channel (never on the
   * notification channel, where classic peers would take it for a value) and releases our lock.
   * Returns 1 if stored, 0 if not: another holder owns the lock, or (see {@link #OWNER_CHECK}) our
   * lease was lost and a value or absence was written since.
   */
  static final Script ABSENT =
      new Script(
          OWNER_CHECK
              + """
          redis.call('DEL', KEYS[1])
          redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[2])
          redis.call('PUBLISH', ARGV[3], ARGV[4])
          if owner then redis.call('DEL', KEYS[2]) end
          return 1
          """);

  /**
   * The store script around a storage's write fragment. KEYS: value, lock, failure key. ARGV:
   * token ('' for a producer's put: no owner check, lock untouched), ttl ms, channel, payload,
   * storage arguments... Returns 1 if stored, 0 if not (see {@link #OWNER_CHECK}).
   *
   * <p>The fragment is the body of a local function defined before any of the script's own
   * locals, so it runs in a scope of its own: it sees {@code KEYS} and {@code ARGV} and nothing of
   * the script's state ({@code owner} included; Redis forbids globals), and a {@code return} in it
   * would only end the function, never the script's notification or unlock.
   */
  static Script store(String writeFragment) {
    return new Script(
        "local function write()\n"
            + writeFragment
            + "\nend\n"
            + OWNER_CHECK
            + """
            write()
            redis.call('DEL', KEYS[3])
            redis.call('PUBLISH', ARGV[3], ARGV[4])
            if owner then redis.call('DEL', KEYS[2]) end
            return 1
            """);
  }

  /**
   * Takes the lock for an early recomputation although the value exists. KEYS: value, lock.
   * ARGV: token, lock timeout ms, most remaining ms. Returns 1 if the lock was taken: the value is
   * missing or expires within the given ms; 0 if the value has no TTL, lives longer, or the lock
   * is held.
   */
  static final Script REFRESH =
      new Script(
          """
          local ttl = redis.call('PTTL', KEYS[1])
          if ttl == -1 or ttl > tonumber(ARGV[3]) then return 0 end
          if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
          return 0
          """);

  private Scripts() {}

  /** One script: its text and SHA-1. */
  static final class Script {
    private final String source;
    private final byte[] text;
    private final byte[] sha;

    Script(String text) {
      this.source = text;
      this.text = text.getBytes(StandardCharsets.UTF_8);
      try {
        this.sha =
            HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-1").digest(this.text))
                .getBytes(StandardCharsets.US_ASCII);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-1 is missing from this JVM", e);
      }
    }

    /**
     * The same script announcing with {@code SPUBLISH} (sharded Pub/Sub, see {@link
     * ShardedProtocol}): the channel shares the keys' hash slot, so the node that runs the script
     * is the one that delivers the message, to its shard's subscribers only.
     */
    Script sharded() {
      return new Script(source.replace("redis.call('PUBLISH',", "redis.call('SPUBLISH',"));
    }

    /**
     * Runs it with {@code EVALSHA}, and with {@code EVAL} when the node does not know it yet
     * ({@code NOSCRIPT}: a restarted server, or a replica promoted on a failover, whose script
     * cache is empty). On a cluster client both go to the node that serves the keys' slot.
     */
    Object run(UnifiedJedis redis, List<byte[]> keys, List<byte[]> args) {
      try {
        return redis.evalsha(sha, keys, args);
      } catch (JedisNoScriptException e) {
        return redis.eval(text, keys, args);
      }
    }

    /**
     * Runs it without blocking the calling thread, through the view's pipeline (see {@link
     * PipelinedJedis#scriptLater}).
     *
     * @return the reply's future, or null when it cannot run so (run it the blocking way)
     */
    @Nullable CompletableFuture<Object> runLater(
        PipelinedJedis redis, List<byte[]> keys, List<byte[]> args) {
      return redis.scriptLater(sha, text, keys, args);
    }
  }
}
