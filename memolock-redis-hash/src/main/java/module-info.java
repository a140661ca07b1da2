/** MemoLock storage: each value is one Redis Hash, whose fields can be read one by one. */
@org.jspecify.annotations.NullMarked
module io.memolock.redis.hash {
  requires transitive io.memolock;
  requires static org.jspecify;

  exports io.memolock.redis.hash;
}
