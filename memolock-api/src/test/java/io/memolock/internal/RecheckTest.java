package io.memolock.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.spi.KeyScheme;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.SetParams;

/**
 * The waiter's re-check once it listens ({@link Protocol#recheck}), sent through the command
 * pipeline without blocking: every answer it can give on a real Redis, that it never takes the
 * lock, and that whatever it cannot judge (a free lock, one without a TTL, a key of the wrong type)
 * sends the waiter to the blocking acquire instead of failing.
 */
class RecheckTest extends EngineFixture {
  private SharedClient shared;
  private ClassicProtocol protocol;
  private ResourceKeys keys;

  @BeforeEach
  void protocol() {
    shared = SharedClient.acquire(redis, 8);
    PipelinedJedis pipelined = shared.pipelines(Thread.ofVirtual().factory());
    assertNotNull(pipelined, "Redis is up: the pipelines are on");
    protocol =
        new ClassicProtocol(pipelined, shared.channels, false, TestStorage.utf8().writeScript(), 5_000);
    keys = new ResourceKeys(KeyScheme.classic(), "rc", "id");
  }

  @AfterEach
  void release() {
    shared.release();
  }

  private Protocol.@Nullable Acquisition recheck() throws Exception {
    CompletableFuture<Protocol.@Nullable Acquisition> answer = protocol.recheck(keys);
    assertNotNull(answer, "a standalone client's pipeline checks without blocking");
    return answer.get(10, TimeUnit.SECONDS); // never completes exceptionally
  }

  @Test
  void aHeldLockWithATtlIsReportedLockedAndLeftAsItWas() throws Exception {
    redis.set("rc/lock:id", "foreign", SetParams.setParams().px(60_000));
    Protocol.Locked locked = assertInstanceOf(Protocol.Locked.class, recheck());
    assertTrue(locked.pttlMillis() > 0 && locked.pttlMillis() <= 60_000, locked.toString());
    assertEquals("foreign", redis.get("rc/lock:id"));
  }

  @Test
  void aValueStoredMeanwhileIsFoundAndTheLockIsNotTaken() throws Exception {
    redis.set("rc/lock:id", "foreign", SetParams.setParams().px(60_000));
    redis.set("rc:id", "v");
    assertInstanceOf(Protocol.ValueExists.class, recheck());
    assertEquals("foreign", redis.get("rc/lock:id"));
  }

  @Test
  void aRememberedFailureOrAbsenceIsFound() throws Exception {
    redis.set("rc/fail:id", "java.lang.IllegalStateException\nboom");
    Protocol.Remembered failed = assertInstanceOf(Protocol.Remembered.class, recheck());
    assertEquals(
        new Protocol.Failed("java.lang.IllegalStateException", "boom"), failed.outcome());
    redis.set("rc/fail:id", "\0absent");
    Protocol.Remembered absent = assertInstanceOf(Protocol.Remembered.class, recheck());
    assertInstanceOf(Protocol.Absent.class, absent.outcome());
  }

  @Test
  void aServerThatForgotTheScriptIsSentItsTextAndAnswersAsBefore() throws Exception {
    redis.set("rc/lock:id", "foreign", SetParams.setParams().px(60_000));
    assertInstanceOf(Protocol.Locked.class, recheck());
    redis.scriptFlush(); // as a restarted server's or a promoted replica's empty script cache
    long refused = noScriptReplies();
    assertInstanceOf(Protocol.Locked.class, recheck(), "NOSCRIPT: sent again with EVAL");
    assertEquals(refused + 1, noScriptReplies(), "the EVALSHA was refused, then the EVAL answered");
    redis.set("rc:id", "v");
    assertInstanceOf(Protocol.ValueExists.class, recheck());
  }

  private long noScriptReplies() {
    return redis.info("errorstats").lines()
        .filter(l -> l.startsWith("errorstat_NOSCRIPT:count="))
        .mapToLong(l -> Long.parseLong(l.substring("errorstat_NOSCRIPT:count=".length()).strip()))
        .sum();
  }

  @Test
  void aFreeLockSendsTheWaiterToAcquireAndIsNotTaken() throws Exception {
    assertNull(recheck());
    assertFalse(redis.exists("rc/lock:id"), "a re-check takes nothing");
  }

  @Test
  void aLockWithoutTtlOrOfAnotherTypeSendsTheWaiterToTheBlockingAcquire() throws Exception {
    redis.set("rc/lock:id", "forever");
    assertNull(recheck(), "no TTL: the acquire decides");
    redis.del("rc/lock:id");
    redis.hset("rc/lock:id", "f", "v");
    assertNull(recheck(), "a hash at the lock key: the acquire reports the wrong type");
  }

  @Test
  void aFailureKeyOfAnotherTypeSendsTheWaiterToTheBlockingAcquireRatherThanFailing()
      throws Exception {
    redis.hset("rc/fail:id", "f", "v");
    assertNull(recheck(), "WRONGTYPE in the check: the blocking acquire reports it");
  }
}
