package io.memolock.examples;

import java.net.URI;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * The external producer of {@code /ext/stemmer/{word}}: a separate process, like the Python script
 * of the original example. It knows nothing of MemoLock: it stems the word, then with plain Jedis
 * {@code SET ext:<word> <stem> PX <ttl>} and {@code PUBLISH ext/notif:<word> <stem>}, which
 * fulfils the promise every waiter (in any process, in any language) is waiting on.
 *
 * <p>Usage: {@code java -cp ... io.memolock.examples.StemmerProducer redis://HOST:PORT WORD
 * [TTL_MS]}. Exit code 0 when published, 2 for bad arguments, 1 when Redis fails.
 */
public final class StemmerProducer {
  /** The tag of the demo's external resources, as in the original example. */
  static final String TAG = "ext";

  private StemmerProducer() {}

  /**
   * @param args the Redis URI, the word, and optionally the value's TTL in milliseconds (default
   *     10,000)
   */
  public static void main(String[] args) {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: StemmerProducer redis://HOST:PORT WORD [TTL_MS]");
      System.exit(2);
    }
    URI uri;
    long ttlMs;
    try {
      uri = Config.redisUri(args[0]);
      ttlMs = args.length == 3 ? Long.parseLong(args[2]) : 10_000;
      if (ttlMs < 1) {
        throw new IllegalArgumentException("TTL_MS must be positive");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("StemmerProducer: " + e.getMessage());
      System.exit(2);
      return;
    }
    String word = args[1];
    String stem = Stemmer.stem(word);
    String key = TAG + ":" + word;
    String channel = TAG + "/notif:" + word;
    int port = uri.getPort() == -1 ? 6379 : uri.getPort();
    try (RedisClient redis = RedisClient.create(uri.getHost(), port)) {
      redis.set(key, stem, SetParams.setParams().px(ttlMs));
      long receivers = redis.publish(channel, stem);
      System.out.printf(
          "(ext/stemmer/%s) producer process %d: stem '%s'; SET %s PX %d; PUBLISH %s reached %d"
              + " subscriber(s)%n",
          word, ProcessHandle.current().pid(), stem, key, ttlMs, channel, receivers);
    } catch (RuntimeException e) {
      System.err.println("StemmerProducer: Redis failed: " + e);
      System.exit(1);
    }
  }
}
