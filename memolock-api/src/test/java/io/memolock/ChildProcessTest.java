package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Holders in real child JVMs: one that fails, one that is killed with SIGKILL. */
class ChildProcessTest extends RedisFixture {
  private Process child;

  @AfterEach
  void killChild() throws InterruptedException {
    if (child != null && child.isAlive()) {
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFailureInAnotherProcessReachesEveryWaiterWithinMilliseconds() throws Exception {
    String token = startHolder("report", "pdf", "fail", 5_000);
    assertEquals(token, redis.get("report/lock:pdf"));
    List<MemoLock<String>> locks = List.of(memoLock(redis, "report"), memoLock(client(), "report"));
    List<Future<String>> waiters = new ArrayList<>();
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 100; i++) {
        MemoLock<String> lock = locks.get(i % 2);
        waiters.add(
            executor.submit(
                () -> lock.get("pdf", Duration.ofSeconds(30), l -> Computed.of("not me"))));
      }
      Leftovers.awaitSubscribers(redis, "report/fail:pdf", 2);
      // Both flights' re-checks after subscribing must be done, as the failure is not remembered.
      for (MemoLock<String> lock : locks) {
        Leftovers.await(
            "the waiters wait",
            () -> "WAITING".equals(((io.memolock.internal.Engine<?>) lock).flightState("pdf")));
      }
      long failedAt = System.nanoTime();
      tellChild("go");
      long slowestMs = 0;
      for (Future<String> w : waiters) {
        ExecutionException e =
            org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class, () -> w.get(10, TimeUnit.SECONDS));
        slowestMs = Math.max(slowestMs, (System.nanoTime() - failedAt) / 1_000_000);
        ComputationFailedException failure =
            assertInstanceOf(ComputationFailedException.class, e.getCause());
        assertTrue(failure.remote());
        assertEquals(IllegalStateException.class.getName(), failure.failureClass());
        assertEquals("child failure for pdf", failure.failureMessage());
      }
      System.out.println("slowest waiter learned of the remote failure after " + slowestMs + " ms");
      // Far below the 30 s timeout, and below the 5 s lock timeout: the waiters were told.
      assertTrue(slowestMs < 2_000, "slowest waiter took " + slowestMs + " ms");
    }
    assertTrue(child.waitFor(10, TimeUnit.SECONDS));
    assertEquals(
        "recomputed", locks.get(0).get("pdf", Duration.ofSeconds(5), l -> Computed.of("recomputed")));
  }

  @Test
  void aKilledHolderIsReplacedByExactlyOneWaiterBeforeTheTimeouts() throws Exception {
    startHolder("report", "big", "hang", 1_000);
    List<MemoLock<String>> locks = List.of(memoLock(redis, "report"), memoLock(client(), "report"));
    AtomicInteger computations = new AtomicInteger();
    List<Future<String>> waiters = new ArrayList<>();
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 200; i++) {
        MemoLock<String> lock = locks.get(i % 2);
        waiters.add(
            executor.submit(
                () ->
                    lock.get(
                        "big",
                        Duration.ofSeconds(20),
                        l -> {
                          computations.incrementAndGet();
                          return Computed.of("rebuilt");
                        })));
      }
      // The live holder renews its 1 s lock: nobody takes over while it lives.
      Thread.sleep(2_500);
      assertEquals(0, computations.get(), "took over from a live holder");
      long killedAt = System.nanoTime();
      child.destroyForcibly(); // SIGKILL
      assertTrue(child.waitFor(10, TimeUnit.SECONDS));
      for (Future<String> w : waiters) {
        assertEquals("rebuilt", w.get(15, TimeUnit.SECONDS));
      }
      long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
      System.out.println("every waiter served " + tookMs + " ms after the holder was killed");
      assertTrue(tookMs < 10_000, "took " + tookMs + " ms");
    }
    assertEquals(1, computations.get());
    assertEquals(1, locks.stream().mapToLong(l -> l.metrics().takeovers()).sum());
  }

  private String startHolder(String tag, String id, String mode, long lockTimeoutMs)
      throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                HolderProcess.class.getName(),
                REDIS.host(),
                String.valueOf(REDIS.port()),
                tag,
                id,
                mode,
                String.valueOf(lockTimeoutMs))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String line = out.readLine();
      if (line == null) {
        throw new AssertionError("the holder process exited: " + child.waitFor());
      }
      if (line.startsWith("HOLDING ")) {
        Thread.ofVirtual().start(() -> out.lines().forEach(l -> System.out.println("child: " + l)));
        return line.substring("HOLDING ".length());
      }
    }
    throw new AssertionError("the holder process did not take the lock");
  }

  private void tellChild(String line) throws Exception {
    Writer w = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
    w.write(line + "\n");
    w.flush();
  }
}
