/** MemoLock storage: each value is one Redis String. */
@org.jspecify.annotations.NullMarked
module io.memolock.redis.strings {
  requires transitive io.memolock;
  requires static org.jspecify;

  exports io.memolock.redis.strings;
}
