package io.memolock;

import io.memolock.internal.TestStorage;
import io.memolock.spi.KeyScheme;
import io.memolock.testkit.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import redis.clients.jedis.UnifiedJedis;

/**
 * A stateful property of the whole protocol over three MemoLock instances (three clients, as three
 * processes would have) on one real Redis: a standalone one ({@link ProtocolStateProperties}) or a
 * cluster (the cluster tests' subclass overrides {@link #newClient()} and {@link #keyScheme()}). Actions: get (long or short timeout), complete a running
 * computation, fail it, crash its holder (the lock vanishes, the holder never answers),
 * invalidate. Invariants: at most one live computation per id at any time; every value a caller got
 * was produced for its id; every caller ends with a value or a clear exception; nothing is left
 * registered.
 */
abstract class ProtocolStateContract {
  private static final List<String> IDS = List.of("x", "y");
  private static final int INSTANCES = 3;
  private static final AtomicInteger MODELS = new AtomicInteger();

  /** @return a new client of the Redis the property runs on (the standalone test Redis here) */
  protected UnifiedJedis newClient() {
    return TestRedis.shared().newClient();
  }

  /** @return the key scheme MemoLock picks for {@link #newClient()}'s kind of client */
  protected KeyScheme keyScheme() {
    return KeyScheme.classic();
  }

  /** The system under test and what the test knows about it. Used by one thread at a time. */
  static final class Model implements AutoCloseable {
    /** A tag of its own: a cluster is not emptied between tries as the standalone Redis is. */
    final String tag = "chain" + MODELS.incrementAndGet();
    final KeyScheme scheme;
    final List<UnifiedJedis> clients = new ArrayList<>();
    final List<MemoLock<String>> locks = new ArrayList<>();
    final Map<String, ConcurrentLinkedDeque<Running>> running = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> live = new ConcurrentHashMap<>();
    final AtomicReference<String> violation = new AtomicReference<>();
    final List<Thread> callers = new ArrayList<>();
    final ConcurrentLinkedQueue<Object[]> outcomes = new ConcurrentLinkedQueue<>();
    final AtomicInteger produced = new AtomicInteger();

    Model(ProtocolStateContract target) {
      this.scheme = target.keyScheme();
      for (int i = 0; i < INSTANCES; i++) {
        UnifiedJedis client = target.newClient();
        clients.add(client);
        locks.add(
            MemoLock.builder(client, TestStorage.utf8())
                .tag(tag)
                .lockTimeout(Duration.ofMillis(400))
                .build());
      }
      for (String id : IDS) {
        running.put(id, new ConcurrentLinkedDeque<>());
        live.put(id, new AtomicInteger());
      }
    }

    void get(int instance, String id, int timeoutMs) {
      MemoLock<String> lock = locks.get(instance);
      callers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    Object outcome;
                    try {
                      outcome =
                          lock.get(id, Duration.ofMillis(timeoutMs), lease -> compute(id));
                    } catch (RuntimeException e) {
                      outcome = e;
                    }
                    outcomes.add(new Object[] {id, outcome});
                  }));
    }

    Computed<String> compute(String id) throws Exception {
      if (live.get(id).incrementAndGet() > 1) {
        violation.compareAndSet(null, "two live computations of " + id);
      }
      Running r = new Running();
      running.get(id).add(r);
      try {
        return Computed.of(r.release.get(), Duration.ofSeconds(30));
      } finally {
        if (!r.crashed) {
          live.get(id).decrementAndGet();
        }
      }
    }

    void complete(String id) {
      Running r = running.get(id).poll();
      if (r != null) {
        r.release.complete("value-of-" + id + "-" + produced.incrementAndGet());
      }
    }

    void fail(String id) {
      Running r = running.get(id).poll();
      if (r != null) {
        r.release.completeExceptionally(new IllegalStateException("boom"));
      }
    }

    /** The holder stops answering and its lock vanishes, as when its process dies. */
    void crash(String id) {
      Running r = running.get(id).poll();
      if (r != null) {
        r.crashed = true;
        live.get(id).decrementAndGet();
        clients.get(0).del(scheme.keys(tag, id).lock());
        zombies.add(r);
      }
    }

    final List<Running> zombies = new ArrayList<>();

    void checkInvariants() {
      if (violation.get() != null) {
        throw new AssertionError(violation.get());
      }
      for (Object[] o : outcomes) {
        String id = (String) o[0];
        Object outcome = o[1];
        boolean ok =
            (outcome instanceof String s && s.startsWith("value-of-" + id + "-"))
                || outcome instanceof MemoLockTimeoutException
                || outcome instanceof ComputationFailedException;
        if (!ok) {
          throw new AssertionError("caller of " + id + " got " + outcome, asThrowable(outcome));
        }
      }
    }

    private static Throwable asThrowable(Object o) {
      return o instanceof Throwable t ? t : null;
    }

    /** Ends every computation, waits for every caller, and checks nothing is left behind. */
    void settle() throws InterruptedException {
      long deadline = System.nanoTime() + 15_000_000_000L;
      while (System.nanoTime() < deadline) {
        for (String id : IDS) {
          complete(id);
        }
        if (callers.stream().noneMatch(Thread::isAlive)) {
          break;
        }
        Thread.sleep(20);
      }
      for (Running z : zombies) {
        z.release.complete("value-of-zombie");
      }
      for (Thread t : callers) {
        if (t.isAlive()) {
          throw new AssertionError("a caller hung");
        }
      }
      checkInvariants();
      // The server's count of subscribers (PUBSUB NUMSUB) sees classic subscriptions only; on a
      // cluster, whose subscriptions are sharded and per node, the engines' own counts are checked.
      List<String> channels = new ArrayList<>();
      if (scheme.equals(KeyScheme.classic())) {
        for (String id : IDS) {
          channels.add(scheme.keys(tag, id).notification());
          channels.add(scheme.keys(tag, id).failure());
        }
      }
      for (int i = 0; i < INSTANCES; i++) {
        Leftovers.assertNone(locks.get(i), clients.get(i), channels.toArray(String[]::new));
      }
    }

    @Override
    public void close() {
      locks.forEach(MemoLock::close);
      clients.forEach(UnifiedJedis::close);
    }

    @Override
    public String toString() {
      return "Model[callers=" + callers.size() + ", outcomes=" + outcomes.size() + "]";
    }
  }

  static final class Running {
    final CompletableFuture<String> release = new CompletableFuture<>();
    volatile boolean crashed;
  }

  @Provide
  Arbitrary<ActionChain<Model>> chains() {
    Arbitrary<String> id = Arbitraries.of(IDS);
    Arbitrary<Integer> instance = Arbitraries.integers().between(0, INSTANCES - 1);
    return ActionChain.<Model>startWith(() -> new Model(this))
        .withAction(
            4,
            (Action.Independent<Model>)
                () ->
                    Combinators.combine(instance, id, Arbitraries.of(150, 5_000))
                        .as(
                            (i, k, t) ->
                                Transformer.mutate(
                                    "get(" + i + "," + k + "," + t + "ms)",
                                    m -> m.get(i, k, t))))
        .withAction(
            2,
            (Action.Independent<Model>)
                () -> id.map(k -> Transformer.mutate("complete(" + k + ")", m -> m.complete(k))))
        .withAction(
            1,
            (Action.Independent<Model>)
                () -> id.map(k -> Transformer.mutate("fail(" + k + ")", m -> m.fail(k))))
        .withAction(
            1,
            (Action.Independent<Model>)
                () -> id.map(k -> Transformer.mutate("crash(" + k + ")", m -> m.crash(k))))
        .withAction(
            1,
            (Action.Independent<Model>)
                () ->
                    Combinators.combine(instance, id)
                        .as(
                            (i, k) ->
                                Transformer.mutate(
                                    "invalidate(" + i + "," + k + ")",
                                    m -> m.locks.get(i).invalidate(k))))
        .withAction(
            2,
            (Action.Independent<Model>)
                () ->
                    Arbitraries.of(5, 50, 250)
                        .map(
                            ms ->
                                Transformer.mutate(
                                    "pause(" + ms + "ms)",
                                    m -> {
                                      try {
                                        Thread.sleep(ms);
                                      } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                      }
                                    })))
        .withMaxTransformations(14);
  }

  @Property(tries = 15)
  void theProtocolKeepsItsInvariants(@ForAll("chains") ActionChain<Model> chain)
      throws Exception {
    chain.withInvariant("at most one live computation; values match ids", Model::checkInvariants);
    Model model = chain.run();
    try {
      model.settle();
    } finally {
      model.close();
    }
  }
}
