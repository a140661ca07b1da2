package io.memolock.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.memolock.Computation;
import io.memolock.MemoLock;
import io.memolock.Metrics;
import io.memolock.Trigger;
import io.memolock.spi.KeyScheme;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BuilderTest {

  @Test
  void optionsAreValidatedWhenSetAndSetOnce() {
    LocalTierBuilder b = LocalTier.builder();
    assertThrows(IllegalArgumentException.class, () -> b.maximumSize(0));
    assertThrows(IllegalArgumentException.class, () -> b.refreshBeta(-1));
    assertThrows(IllegalArgumentException.class, () -> b.refreshBeta(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> b.refreshBeta(Double.POSITIVE_INFINITY));
    assertThrows(NullPointerException.class, () -> b.ticker(null));
    assertThrows(NullPointerException.class, () -> b.threadFactory(null));
    b.maximumSize(5)
        .refreshBeta(0)
        .ticker(System::nanoTime)
        .threadFactory(Thread.ofVirtual().factory());
    assertThrows(IllegalStateException.class, () -> b.maximumSize(5));
    assertThrows(IllegalStateException.class, () -> b.refreshBeta(1));
    assertThrows(IllegalStateException.class, () -> b.ticker(System::nanoTime));
    assertThrows(IllegalStateException.class, () -> b.threadFactory(Thread.ofVirtual().factory()));
  }

  @Test
  void wrapRejectsAMemoLockItCannotDrive() {
    MemoLock<String> foreign =
        new MemoLock<>() {
          @Override
          public String get(String id, Duration timeout, Computation<String> computation) {
            return "";
          }

          @Override
          public String getExternal(String id, Duration timeout, Trigger trigger) {
            return "";
          }

          @Override
          public Optional<String> find(
              String id, Duration timeout, Computation<String> computation) {
            return Optional.empty();
          }

          @Override
          public Optional<String> getIfPresent(String id) {
            return Optional.empty();
          }

          @Override
          public <R> Optional<R> readIfPresent(
              String id, io.memolock.spi.Storage.Reader<R> reader) {
            return Optional.empty();
          }

          @Override
          public void put(String id, String value, Duration ttl) {}

          @Override
          public void invalidate(String id) {}

          @Override
          public Metrics metrics() {
            throw new UnsupportedOperationException();
          }

          @Override
          public String tag() {
            return "t";
          }

          @Override
          public void close() {}
        };
    assertThrows(IllegalArgumentException.class, () -> LocalTier.builder().wrap(foreign));
    assertThrows(NullPointerException.class, () -> LocalTier.builder().wrap(null));
  }

  @Test
  void theTrackingPrefixIsWhatEveryValueKeyOfTheTagStartsWith() {
    assertEquals("query:", LocalTierImpl.commonPrefix(KeyScheme.classic(), "query"));
    KeyScheme hashTagged =
        (tag, id) -> new KeyScheme.Keys(tag + ":{" + id + "}", "l", "n", "f");
    assertEquals("query:{", LocalTierImpl.commonPrefix(hashTagged, "query"));
    KeyScheme idFirst = (tag, id) -> new KeyScheme.Keys(id + "@" + tag, "l", "n", "f");
    assertEquals("", LocalTierImpl.commonPrefix(idFirst, "query"));
  }
}
