package io.memolock.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.spi.KeyScheme;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The events told to a flight ({@link FlightRecord#tell}, {@link FlightRecord#nextEvent}): a list
 * in the flight itself, pushed by any thread and taken by the flight's thread alone. No Redis: a
 * flight that is never parked needs no engine to be told and to take events.
 */
class FlightEventsTest {
  private static final int TELLERS = 4;
  private static final int EACH = 20_000;

  private static Flight<String> flight() {
    Flight<String> f =
        new Flight<>(null, new ResourceKeys(KeyScheme.classic(), "t", "id"), l -> null, null);
    f.takesEvents = true; // as on a miss
    return f;
  }

  /** An event that says who told it and when: its teller and its number. */
  private static FlightEvent event(int teller, int n) {
    return new FlightEvent.Checked(null, null, teller * EACH + n);
  }

  @Test
  void eventsToldConcurrentlyAreTakenOnceEachInEachTellersOrder() throws Exception {
    Flight<String> f = flight();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> tellers = new ArrayList<>();
    for (int t = 0; t < TELLERS; t++) {
      int teller = t;
      tellers.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      start.await();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      return;
                    }
                    for (int n = 0; n < EACH; n++) {
                      f.tell(event(teller, n));
                    }
                  }));
    }
    int[] next = new int[TELLERS];
    int taken = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    start.countDown();
    while (taken < TELLERS * EACH && System.nanoTime() - deadline < 0) {
      FlightEvent e = f.nextEvent();
      if (e == null) {
        Thread.onSpinWait();
        continue;
      }
      int code = ((FlightEvent.Checked) e).resyncs();
      int teller = code / EACH;
      assertEquals(next[teller], code % EACH, "teller " + teller + "'s events in the order told");
      next[teller]++;
      taken++;
    }
    for (Thread t : tellers) {
      t.join(TimeUnit.SECONDS.toMillis(10));
    }
    assertEquals(TELLERS * EACH, taken, "every event taken once");
    assertNull(f.nextEvent(), "nothing left");
    assertFalse(f.hasEvents());
  }

  @Test
  void eventsAreTakenInTheOrderToldAcrossBatchesAndNoneBeforeAMiss() {
    Flight<String> f =
        new Flight<>(null, new ResourceKeys(KeyScheme.classic(), "t", "id"), l -> null, null);
    f.tell(event(0, 0));
    assertFalse(f.hasEvents(), "a hit's flight keeps nothing told");
    f.takesEvents = true;
    f.tell(event(0, 1));
    f.tell(event(0, 2));
    assertTrue(f.hasEvents());
    assertEquals(event(0, 1), f.nextEvent());
    f.tell(event(0, 3)); // told while older ones wait to be taken
    assertEquals(event(0, 2), f.nextEvent());
    assertEquals(event(0, 3), f.nextEvent());
    assertNull(f.nextEvent());
    assertFalse(f.hasEvents());
  }
}
