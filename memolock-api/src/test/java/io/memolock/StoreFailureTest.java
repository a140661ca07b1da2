package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.internal.TestStorage;
import io.memolock.testkit.TestRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * A store Redis refuses (here: over {@code maxmemory}, as a full server does) is neither swallowed
 * nor returned as if stored: the callers fail with the cause, waiters elsewhere are told at once,
 * the lock is released, and the failure is logged and counted.
 */
class StoreFailureTest {

  @Test
  void aStoreRedisRefusesFailsTheCallersWithTheCauseInsteadOfReturningAnUnstoredValue()
      throws Exception {
    TestRedis server = TestRedis.startPrivate();
    List<LogRecord> logged = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            logged.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger jul = Logger.getLogger("io.memolock");
    jul.addHandler(capture);
    try (RedisClient a = server.newClient();
        RedisClient b = server.newClient();
        MemoLock<String> holder =
            MemoLock.builder(a, TestStorage.utf8())
                .tag("query")
                .lockTimeout(Duration.ofSeconds(30))
                .build();
        MemoLock<String> elsewhere =
            MemoLock.builder(b, TestStorage.utf8())
                .tag("query")
                .lockTimeout(Duration.ofSeconds(30))
                .build();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> waiter;
      MemoLockException e;
      try {
        Future<String> computing =
            threads.submit(
                () ->
                    holder.get(
                        "full",
                        Duration.ofSeconds(20),
                        l -> {
                          Leftovers.awaitSubscribers(a, "query/notif:full", 1);
                          // The waiter re-checks the lock once subscribed (a script, a write): let it
                          // run before Redis refuses writes, or the waiter fails on its own script.
                          Leftovers.await("the waiter's re-check after subscribing", () -> scriptRuns(a) >= 3);
                          a.configSet("maxmemory-policy", "noeviction");
                          a.configSet("maxmemory", "1"); // every write from now on is refused
                          return Computed.of("never stored");
                        }));
        Leftovers.awaitLock(a, "query/lock:full");
        waiter = threads.submit(() -> elsewhere.get("full", Duration.ofSeconds(20), l -> Computed.of("no")));
        ExecutionException thrown =
            assertThrows(ExecutionException.class, () -> computing.get(20, TimeUnit.SECONDS));
        e = assertInstanceOf(MemoLockException.class, thrown.getCause());
      } finally {
        a.configSet("maxmemory", "0");
      }
      assertTrue(e.getMessage().contains("could not be stored"), e.getMessage());
      assertTrue(String.valueOf(e.getCause().getMessage()).contains("OOM"), e.getCause().toString());

      // Told at once, not after the 20 s timeout or the 30 s lock.
      ExecutionException told =
          assertThrows(ExecutionException.class, () -> waiter.get(20, TimeUnit.SECONDS));
      assertInstanceOf(ComputationFailedException.class, told.getCause());
      assertFalse(a.exists("query/lock:full"), "the lock was released");
      assertFalse(a.exists("query:full"));

      Metrics m = holder.metrics();
      assertEquals(1, m.storeFailures(), m.toString());
      assertTrue(
          logged.stream()
              .anyMatch(
                  r ->
                      r.getLevel() == java.util.logging.Level.WARNING
                          && r.getMessage().contains("query")
                          && r.getMessage().contains("full")
                          && r.getMessage().contains("OOM")),
          "one WARNING line with tag, id and cause: " + logged.stream().map(LogRecord::getMessage).toList());

      assertEquals("stored", holder.get("full", Duration.ofSeconds(5), l -> Computed.of("stored")));
    } finally {
      jul.removeHandler(capture);
      server.stop();
    }
  }

  /**
   * @return the scripts this private server ran to the end (INFO commandstats: EVAL and EVALSHA
   *     calls less failed ones, so a NOSCRIPT retried with EVAL counts once): the holder's acquire,
   *     then the waiter's, then the waiter's re-check after it subscribed
   */
  @SuppressWarnings("deprecation")
  private static long scriptRuns(UnifiedJedis redis) {
    Object reply = redis.sendCommand(Protocol.Command.INFO, "commandstats");
    String info = reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
    return info.lines()
        .filter(l -> l.startsWith("cmdstat_eval:") || l.startsWith("cmdstat_evalsha:"))
        .mapToLong(l -> stat(l, "calls") - stat(l, "failed_calls"))
        .sum();
  }

  private static long stat(String line, String name) {
    Matcher m = Pattern.compile("[:,]" + name + "=(\\d+)").matcher(line);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}
