/**
 * The conformance suite every MemoLock storage module runs: extend {@link
 * io.memolock.storage.conformance.StorageConformance} in a test class named {@code *Properties}.
 */
@org.jspecify.annotations.NullMarked
module io.memolock.storage.conformance {
  requires transitive io.memolock;
  requires transitive io.memolock.testkit;
  requires transitive net.jqwik.api;
  requires org.junit.jupiter.api;
  requires static org.jspecify;

  exports io.memolock.storage.conformance;
}
