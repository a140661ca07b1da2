package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** A holder whose lease was lost never overwrites a value written after it lost the lease. */
class LateHolderTest extends RedisFixture {

  private MemoLock<String> shortLease(RedisClient client) {
    return track(
        builder(client, "query").lockTimeout(Duration.ofMillis(200)).autoRenew(false).build());
  }

  @Test
  void aHolderThatLostItsLeaseDoesNotOverwriteTheNextHoldersFresherValue() throws Exception {
    MemoLock<String> a = shortLease(redis);
    MemoLock<String> b = shortLease(client());
    CountDownLatch bStored = new CountDownLatch(1);
    AtomicBoolean heldAtTheEnd = new AtomicBoolean(true);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> late =
          threads.submit(
              () ->
                  a.get(
                      "r",
                      Duration.ofSeconds(10),
                      lease -> {
                        bStored.await(); // outlives its 200 ms lease
                        heldAtTheEnd.set(redis.exists("query/lock:r"));
                        return Computed.of("A-late");
                      }));
      Leftovers.awaitLock(redis, "query/lock:r");
      // B takes over once A's lock expires, stores, publishes and releases.
      assertEquals("B-fresh", b.get("r", Duration.ofSeconds(10), l -> Computed.of("B-fresh")));
      bStored.countDown();
      assertEquals("A-late", late.get(10, TimeUnit.SECONDS), "A's own callers get A's result");
    }
    assertFalse(heldAtTheEnd.get(), "the lock was free when A finished");
    assertEquals("B-fresh", redis.get("query:r"), "A did not overwrite the fresher value");
    assertEquals("B-fresh", a.get("r", Duration.ofSeconds(5), l -> Computed.of("again")));
  }

  @Test
  void aHolderThatLostItsLeaseDoesNotOverwriteAProducersPut() throws Exception {
    MemoLock<String> a = shortLease(redis);
    CountDownLatch put = new CountDownLatch(1);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> late =
          threads.submit(
              () ->
                  a.get(
                      "p",
                      Duration.ofSeconds(10),
                      lease -> {
                        put.await();
                        return Computed.of("A-late");
                      }));
      Leftovers.awaitLock(redis, "query/lock:p");
      Leftovers.await("A's lease expired", () -> !redis.exists("query/lock:p"));
      a.put("p", "produced", Duration.ofMinutes(1));
      put.countDown();
      assertEquals("A-late", late.get(10, TimeUnit.SECONDS));
    }
    assertEquals("produced", redis.get("query:p"));
  }

  @Test
  void aHolderWhoseLockExpiredUnclaimedStillStoresWhenNothingWasWritten() throws Exception {
    MemoLock<String> a = shortLease(redis);
    String v =
        a.get(
            "u",
            Duration.ofSeconds(10),
            lease -> {
              Leftovers.await("lease expired", () -> !redis.exists("query/lock:u"));
              return Computed.of("only");
            });
    assertEquals("only", v);
    assertEquals("only", redis.get("query:u"), "nobody wrote meanwhile: the value is stored");
  }
}
