package io.memolock.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.MemoLockClosedException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The near hit's short path (no id validation, no key built, one clock read) keeps the wrapped
 * MemoLock's rules: the same exceptions for bad arguments, nothing stale after a change.
 */
class NearHitTest extends LocalTierFixture {
  private static final Duration T = Duration.ofSeconds(5);

  private static String messageOf(Executable call) {
    return assertThrows(IllegalArgumentException.class, call).getMessage();
  }

  @Test
  void invalidIdsThrowWhatTheWrappedMemoLockThrowsEvenWhileOtherIdsAreNear() throws Exception {
    LocalTier<String> tier = tier("q");
    MemoLock<String> plain = track(memoLock(client(), "q"));
    for (String id : new String[] {"k", "\ud83d\ude00", "x\ud83d\ude00"}) { // pairs are fine
      tier.get(id, T, l -> Computed.of("v", Duration.ofSeconds(60)));
      awaitNear(tier, id);
    }
    String[] invalid = {"", "\ud83d", "\ude00", "k\ud83d", "\ude00\ud83d", "\ud83d\ud83d\ude00x\ud83d"};
    for (String id : invalid) {
      String expected = messageOf(() -> plain.getIfPresent(id));
      assertEquals(expected, messageOf(() -> tier.get(id, T, l -> never("compute"))), id);
      assertEquals(expected, messageOf(() -> tier.find(id, T, l -> never("compute"))), id);
      assertEquals(expected, messageOf(() -> tier.getIfPresent(id)), id);
      assertEquals(expected, messageOf(() -> tier.getExternal(id, T, i -> never("trigger"))), id);
      assertFalse(impl(tier).isNear(id));
    }
    assertThrows(NullPointerException.class, () -> tier.getIfPresent(null));
    assertThrows(NullPointerException.class, () -> tier.get(null, T, l -> never("compute")));
    assertEquals(Optional.of("v"), tier.getIfPresent("k"), "the valid ids are still near");
  }

  @Test
  void aNearHitStillChecksItsOtherArguments() throws Exception {
    LocalTier<String> tier = tier("q");
    tier.get("k", T, l -> Computed.of("v", Duration.ofSeconds(60)));
    awaitNear(tier, "k");
    assertThrows(NullPointerException.class, () -> tier.get("k", T, null));
    assertThrows(NullPointerException.class, () -> tier.get("k", null, l -> never("compute")));
    assertThrows(IllegalArgumentException.class, () -> tier.get("k", Duration.ZERO, l -> never("compute")));
    assertThrows(
        IllegalArgumentException.class, () -> tier.find("k", Duration.ofMillis(-1), l -> never("compute")));
    assertThrows(NullPointerException.class, () -> tier.getExternal("k", T, null));
  }

  @Test
  void aHitAfterThisInstancesInvalidateOrPutIsNeverStale() throws Exception {
    LocalTier<String> tier = tier("q");
    AtomicInteger runs = new AtomicInteger();
    tier.get("k", T, l -> Computed.of("v" + runs.incrementAndGet(), Duration.ofSeconds(60)));
    awaitNear(tier, "k");
    for (int round = 0; round < 20; round++) {
      assertEquals("v" + runs.get(), tier.get("k", T, l -> never("compute")));
      tier.invalidate("k");
      assertFalse(impl(tier).isNear("k"), "invalidate drops the near copy before it returns");
      assertEquals("v" + (runs.get() + 1), tier.get("k", T, l -> Computed.of("v" + runs.incrementAndGet())));
      tier.put("k", "p" + round, Duration.ofSeconds(60));
      assertEquals(Optional.of("p" + round), tier.getIfPresent("k"), "put drops the near copy");
      tier.invalidate("k");
      tier.get("k", T, l -> Computed.of("v" + runs.incrementAndGet(), Duration.ofSeconds(60)));
      awaitNear(tier, "k");
    }
  }

  @Test
  void aClosedTierRejectsEvenAnIdThatWasNear() throws Exception {
    LocalTier<String> tier = tier("q");
    tier.get("k", T, l -> Computed.of("v", Duration.ofSeconds(60)));
    awaitNear(tier, "k");
    tier.close();
    assertThrows(MemoLockClosedException.class, () -> tier.getIfPresent("k"));
    assertThrows(MemoLockClosedException.class, () -> tier.get("k", T, l -> never("compute")));
  }
}
