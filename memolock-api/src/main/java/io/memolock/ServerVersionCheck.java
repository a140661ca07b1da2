package io.memolock;

import java.lang.System.Logger.Level;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The Redis server versions MemoLock supports, checked once by {@link MemoLockBuilder#build()}: a server too old for
 * what the configuration needs fails the build with a message naming both versions, instead of failing later with
 * an unknown-command error in the middle of a request.
 *
 * <p>What needs which version:
 *
 * <ul>
 *   <li>{@value #OLDEST_SUPPORTED}: the oldest Redis MemoLock is tested with (the build runs the protocol against
 *       the Redis 6.2 binary that embedded-redis ships, and against the Redis 7 of the CI machine). Below it, the
 *       subscriber's {@code HELLO 2} and the local tier's {@code CLIENT TRACKING ... BCAST PREFIX} (both 6.0) and
 *       the expiry semantics the scripts rely on are untested.
 *   <li>{@value #SHARDED_PUB_SUB}: sharded Pub/Sub ({@code SSUBSCRIBE}/{@code SPUBLISH}), for a configuration that
 *       notifies through it (Redis Cluster).
 * </ul>
 *
 * <p>The version comes from {@code INFO server} ({@code redis_version}; Valkey and other servers that speak the
 * protocol report the Redis version they match there). When it cannot be read (the server does not answer yet, or
 * an ACL forbids {@code INFO}), nothing is checked: {@code build()} does not otherwise need Redis to be up, and the
 * first request reports an unreachable server as it always has. That is logged once per build at DEBUG.
 *
 * <p><b>Thread safety:</b> stateless; every method may be called from any thread.
 */
final class ServerVersionCheck {
  /** The oldest Redis version supported (and tested). */
  static final String OLDEST_SUPPORTED = "6.2.0";

  /** The oldest Redis version with sharded Pub/Sub. */
  static final String SHARDED_PUB_SUB = "7.0.0";

  private static final System.Logger LOG = System.getLogger(ServerVersionCheck.class.getName());

  private ServerVersionCheck() {}

  /**
   * Fails if the server behind {@code redis} is older than this configuration needs.
   *
   * @param redis the client the MemoLock will use
   * @param tag the MemoLock's tag, for the message
   * @param shardedPubSub whether the configuration notifies through sharded Pub/Sub
   * @throws IllegalStateException if the server's version is known and too old
   */
  static void check(UnifiedJedis redis, String tag, boolean shardedPubSub) {
    String info;
    try {
      info = redis.info("server");
    } catch (JedisException e) {
      LOG.log(Level.DEBUG, () -> "MemoLock '" + tag + "': Redis version not checked (INFO server failed: " + e + ")");
      return;
    }
    String version = versionIn(info);
    if (version == null) {
      LOG.log(Level.DEBUG, () -> "MemoLock '" + tag + "': Redis version not checked (no redis_version in INFO)");
      return;
    }
    String problem = problem(version, shardedPubSub);
    if (problem != null) {
      throw new IllegalStateException("MemoLock '" + tag + "': " + problem);
    }
  }

  /**
   * What is wrong with a server of this version for this configuration.
   *
   * @param version the server's {@code redis_version}, e.g. {@code 7.0.15}
   * @param shardedPubSub whether sharded Pub/Sub is needed
   * @return a sentence naming the found and the needed versions, or {@code null} if the version is enough (or is
   *     not a version number at all)
   */
  static @Nullable String problem(String version, boolean shardedPubSub) {
    int[] found = parse(version);
    if (found == null) {
      return null;
    }
    if (compare(found, parse(OLDEST_SUPPORTED)) < 0) {
      return "the Redis server runs "
          + version
          + ", but MemoLock supports Redis "
          + OLDEST_SUPPORTED
          + " or newer (see the README's supported versions)";
    }
    if (shardedPubSub && compare(found, parse(SHARDED_PUB_SUB)) < 0) {
      return "the Redis server runs "
          + version
          + ", but sharded Pub/Sub (SSUBSCRIBE, SPUBLISH) needs Redis "
          + SHARDED_PUB_SUB
          + " or newer";
    }
    return null;
  }

  /**
   * The {@code redis_version} field of an {@code INFO} reply.
   *
   * @param info the reply
   * @return the version text, or {@code null} if there is none
   */
  static @Nullable String versionIn(String info) {
    Objects.requireNonNull(info, "info");
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("redis_version:")) {
        String v = line.substring("redis_version:".length()).strip();
        return v.isEmpty() ? null : v;
      }
    }
    return null;
  }

  /** Major, minor, patch of "7.0.15" (missing parts are 0; anything after them is ignored), or null. */
  private static int @Nullable [] parse(String version) {
    String[] parts = version.split("\\.", -1);
    int[] numbers = new int[3];
    for (int i = 0; i < numbers.length && i < parts.length; i++) {
      String digits = parts[i].replaceFirst("^(\\d+).*$", "$1");
      if (digits.isEmpty() || !Character.isDigit(digits.charAt(0)) || digits.length() > 6) {
        if (i == 0) {
          return null;
        }
        break;
      }
      numbers[i] = Integer.parseInt(digits);
      if (!digits.equals(parts[i])) {
        break; // "7.2-rc1": stop at the first part that is not just digits
      }
    }
    return numbers;
  }

  private static int compare(int[] a, int @Nullable [] b) {
    Objects.requireNonNull(b);
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i]) {
        return Integer.compare(a[i], b[i]);
      }
    }
    return 0;
  }
}
