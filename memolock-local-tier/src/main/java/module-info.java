/**
 * MemoLock's optional near-cache tier: a Caffeine cache in front of any {@code MemoLock}, kept
 * correct by Redis server-assisted invalidation, with probabilistic refresh before expiry. Start
 * with {@link io.memolock.local.LocalTier#builder()}.
 */
@org.jspecify.annotations.NullMarked
module io.memolock.local {
  requires transitive io.memolock;
  requires transitive com.github.benmanes.caffeine;
  requires org.apache.commons.pool2;
  requires static org.jspecify;

  exports io.memolock.local;
}
