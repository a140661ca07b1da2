package io.memolock.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The fill and invalidation rules, without Redis: every interleaving that matters, in order. */
class NearCacheTest {
  private final AtomicLong time = new AtomicLong(1_000);
  private final NearCache<String> near = new NearCache<>(100, time::get);

  private Entry<String> entry(String value) {
    return new Entry<>(value, Entry.NEVER, 0);
  }

  private void fill(String key, String value) {
    NearCache.Fill f = near.begin(key);
    assertNotNull(f);
    near.complete(f, entry(value));
    near.end(f);
  }

  @Test
  void nothingIsServedNorFilledUntilLive() {
    assertNull(near.begin("k"));
    assertNull(near.get("k"));
    near.goLive();
    fill("k", "v");
    assertEquals("v", near.get("k").value);
  }

  @Test
  void anInvalidationDuringAFillCancelsIt() {
    near.goLive();
    NearCache.Fill f = near.begin("k");
    near.invalidate("k"); // the key changed after the read was sent
    near.complete(f, entry("stale"));
    near.end(f);
    assertNull(near.get("k"));
  }

  @Test
  void anInvalidationAfterAFillDropsTheEntry() {
    near.goLive();
    fill("k", "v");
    near.invalidate("k");
    assertNull(near.get("k"));
  }

  @Test
  void anInterruptionDuringAFillCancelsItEvenIfTheStreamIsBackBeforeItCompletes() {
    near.goLive();
    NearCache.Fill f = near.begin("k");
    near.goDown(); // invalidations may be lost from here
    near.goLive();
    near.complete(f, entry("maybe stale"));
    near.end(f);
    assertNull(near.get("k"));
  }

  @Test
  void goingDownDropsEverythingAndServesNothing() {
    near.goLive();
    fill("a", "1");
    fill("b", "2");
    near.goDown();
    assertEquals(0, near.estimatedSize());
    assertEquals(1, near.flushes.sum());
    near.goDown(); // already down: not counted again
    assertEquals(1, near.flushes.sum());
    near.goLive();
    assertNull(near.get("a"));
  }

  @Test
  void oneFillPerKeyAtATime() {
    near.goLive();
    NearCache.Fill first = near.begin("k");
    assertNotNull(first);
    assertNull(near.begin("k"), "a concurrent reader reads without filling");
    near.end(first);
    assertNotNull(near.begin("k"));
  }

  @Test
  void anEntryExpiresAtItsExpiry() {
    near.goLive();
    NearCache.Fill f = near.begin("k");
    Entry<String> e = new Entry<>("v", time.get() + 500, 0);
    near.complete(f, e);
    near.end(f);
    time.addAndGet(499);
    assertSame(e, near.get("k"));
    time.addAndGet(1);
    assertNull(near.get("k"));
  }

  @Test
  void aFlushDropsEverythingAndStaysLive() {
    near.goLive();
    fill("k", "v");
    NearCache.Fill f = near.begin("j");
    near.flush();
    near.complete(f, entry("from before the flush"));
    assertNull(near.get("k"));
    assertNull(near.get("j"));
    fill("k", "after");
    assertEquals("after", near.get("k").value);
  }

  @Test
  void peekLeavesTheExpiryCheckToTheCallerAndExpireDropsOnlyThatEntry() {
    near.goLive();
    NearCache.Fill f = near.begin("k");
    Entry<String> old = new Entry<>("old", time.get() + 10, 0);
    near.complete(f, old);
    near.end(f);
    time.addAndGet(10);
    assertSame(old, near.peek("k"), "peek does not check the expiry");
    fill("k", "new"); // a newer copy replaced it meanwhile
    near.expire("k", old);
    assertEquals("new", near.get("k").value);
    near.goDown();
    assertNull(near.peek("k"));
  }
}
