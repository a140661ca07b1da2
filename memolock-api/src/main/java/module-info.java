/**
 * MemoLock: distributed memoization with promises on Redis.
 *
 * <p>Exports the public API ({@code io.memolock}) and the extension points ({@code io.memolock.spi}).
 * The protocol engine lives in a package that is not exported.
 */
@org.jspecify.annotations.NullMarked
module io.memolock {
  requires transitive redis.clients.jedis;
  requires static transitive org.jspecify;

  exports io.memolock;
  exports io.memolock.spi;
}
