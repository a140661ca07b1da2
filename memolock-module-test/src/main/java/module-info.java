/**
 * A consumer of MemoLock's named modules, as an application would write it: it requires the API and one storage
 * module, and nothing else (Jedis comes with {@code requires transitive} from {@code io.memolock}).
 */
module io.memolock.moduletest {
  requires io.memolock;
  requires io.memolock.redis.strings;

  exports io.memolock.moduletest;
}
