package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.internal.TestStorage;
import io.memolock.testkit.TestResources;
import io.memolock.testkit.WithRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * After any interleaving of register / notify / timeout / interrupt / invalidate / close, every
 * waiter ends with a value or a clear exception, and no waiter (flight), local channel state or
 * server-side subscription is left behind. Runs against a real Redis.
 */
@WithRedis
class WaiterRegistryProperties {
  private static final List<String> IDS = List.of("a", "b", "c");

  sealed interface Action {}

  record Register(int key, int timeoutMs) implements Action {}

  record Notify(int key) implements Action {}

  record Interrupt(int waiter) implements Action {}

  record Invalidate(int key) implements Action {}

  record Pause(int millis) implements Action {}

  record Close() implements Action {}

  @Provide
  Arbitrary<Action> actions() {
    Arbitrary<Integer> key = Arbitraries.integers().between(0, IDS.size() - 1);
    return Arbitraries.frequencyOf(
        Tuple.of(
            6,
            net.jqwik.api.Combinators.combine(key, Arbitraries.of(30, 150, 5_000))
                .as((k, t) -> (Action) new Register(k, t))),
        Tuple.of(2, key.map(k -> (Action) new Notify(k))),
        Tuple.of(2, Arbitraries.integers().between(0, 20).map(i -> (Action) new Interrupt(i))),
        Tuple.of(1, key.map(k -> (Action) new Invalidate(k))),
        Tuple.of(2, Arbitraries.of(1, 20, 60).map(ms -> (Action) new Pause(ms))),
        Tuple.of(1, Arbitraries.just((Action) new Close())));
  }

  @Property(tries = 40)
  void nothingIsLeftBehind(
      @ForAll @Size(min = 1, max = 25) List<@From("actions") Action> actions,
      RedisClient redis,
      TestResources opened)
      throws Exception {
    MemoLock<String> lock = opened.track(MemoLock.builder(redis, TestStorage.utf8()).tag("prop").build());
    for (String id : IDS) {
      redis.set("prop/lock:" + id, "foreign-holder", SetParams.setParams().px(60_000));
    }
    List<Thread> waiters = new ArrayList<>();
    ConcurrentLinkedQueue<Object> outcomes = new ConcurrentLinkedQueue<>();
    boolean closed = false;
    for (Action action : actions) {
      switch (action) {
        case Register r -> {
          String id = IDS.get(r.key());
          waiters.add(
              Thread.ofVirtual()
                  .start(
                      () -> {
                        try {
                          outcomes.add(
                              lock.get(
                                  id,
                                  Duration.ofMillis(r.timeoutMs()),
                                  l -> Computed.of("computed")));
                        } catch (RuntimeException e) {
                          outcomes.add(e);
                        }
                      }));
        }
        case Notify n -> {
          String id = IDS.get(n.key());
          redis.set("prop:" + id, "v-" + id);
          redis.publish("prop/notif:" + id, "v-" + id);
        }
        case Interrupt i -> {
          if (i.waiter() < waiters.size()) {
            waiters.get(i.waiter()).interrupt();
          }
        }
        case Invalidate inv -> {
          if (!closed) {
            lock.invalidate(IDS.get(inv.key()));
          }
        }
        case Pause p -> Thread.sleep(p.millis());
        case Close c -> {
          lock.close();
          closed = true;
        }
      }
    }
    // Release whoever still waits, then every waiter must end.
    for (String id : IDS) {
      redis.set("prop:" + id, "v-" + id);
      redis.publish("prop/notif:" + id, "v-" + id);
    }
    for (Thread t : waiters) {
      t.join(10_000);
      assertTrue(!t.isAlive(), "a waiter hung");
    }
    assertEquals(waiters.size(), outcomes.size());
    for (Object o : outcomes) {
      boolean allowed =
          (o instanceof String s && s.startsWith("v-"))
              || o instanceof MemoLockTimeoutException
              || o instanceof MemoLockInterruptedException
              || o instanceof MemoLockClosedException;
      assertTrue(allowed, "unexpected outcome: " + o);
    }
    Leftovers.assertNone(
        lock,
        redis,
        IDS.stream()
            .flatMap(id -> java.util.stream.Stream.of("prop/notif:" + id, "prop/fail:" + id))
            .toArray(String[]::new));
    lock.close();
  }
}
