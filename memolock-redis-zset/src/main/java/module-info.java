/** MemoLock storage: each value is one Redis Sorted Set, whose top N or score range can be read alone. */
@org.jspecify.annotations.NullMarked
module io.memolock.redis.zset {
  requires transitive io.memolock;
  requires static org.jspecify;

  exports io.memolock.redis.zset;
}
