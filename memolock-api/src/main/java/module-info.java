/**
 * MemoLock: distributed memoization with promises on Redis.
 *
 * <p>Exports the public API ({@code io.memolock}) and the extension points ({@code io.memolock.spi}).
 * The protocol engine lives in a package that is exported only to the local tier.
 */
@org.jspecify.annotations.NullMarked
module io.memolock {
  requires transitive redis.clients.jedis;
  requires org.apache.commons.pool2; // the pool's connection factory, for the subscriber
  requires static transitive org.jspecify;

  exports io.memolock;
  exports io.memolock.spi;
  // The optional near-cache tier drives the engine's hooks (early refresh, the subscriber's
  // connection events); nothing else may.
  exports io.memolock.internal to
      io.memolock.local;
}
