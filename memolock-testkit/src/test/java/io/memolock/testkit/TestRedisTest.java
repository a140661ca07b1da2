package io.memolock.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

class TestRedisTest {

  @Test
  void externalCommandsRunInASeparateProcessWithOrWithoutRedisCli() {
    TestRedis redis = TestRedis.shared();
    // The child-JVM stand-in, used where no redis-cli is on PATH.
    assertEquals("OK", redis.externalCommand(java.util.Optional.empty(), "SET", "ext:k", "v ✓"));
    assertEquals("v ✓", redis.externalCommand(java.util.Optional.empty(), "GET", "ext:k"));
    // And redis-cli itself where it exists (CI installs it with redis-server).
    if (redis.cliBinary().isPresent()) {
      assertEquals("v ✓", redis.externalCommand("GET", "ext:k"));
    }
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalStateException.class,
        () -> redis.externalCommand(java.util.Optional.empty(), "NOSUCHCOMMAND"));
  }


  @Test
  void sharedAnswersPingAndIsTheSameInstanceFromEveryThread() throws Exception {
    TestRedis redis = TestRedis.shared();
    try (RedisClient client = redis.newClient()) {
      assertEquals("PONG", client.ping());
      client.set("testkit:shared", "v");
      assertEquals("v", client.get("testkit:shared"));
      client.del("testkit:shared");
    }
    assertEquals("redis://" + redis.host() + ":" + redis.port(), redis.uri().toString());
    assertTrue(Set.of("uri", "path", "testcontainers", "embedded").contains(redis.source()), redis.source());
    assertEquals(redis.owned(), redis.serverBinary() != null);

    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Callable<TestRedis> get = TestRedis::shared;
      for (Future<TestRedis> f : pool.invokeAll(List.of(get, get, get, get))) {
        assertSame(redis, f.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void privateRestartKeepsThePortAndAnswersAgain() {
    TestRedis redis = TestRedis.startPrivate();
    try {
      assertTrue(redis.owned());
      assertNotNull(redis.serverBinary());
      int port = redis.port();
      try (RedisClient client = redis.newClient()) {
        client.set("k", "before");
      }

      redis.restart();

      assertEquals(port, redis.port());
      try (RedisClient client = redis.newClient()) {
        assertEquals("PONG", client.ping());
        assertNull(client.get("k"), "nothing is persisted across a restart");
      }
    } finally {
      redis.stop();
    }
  }

  @Test
  void stopThenRestartBringsItBackOnTheSamePort() throws IOException {
    TestRedis redis = TestRedis.startPrivate();
    try {
      redis.stop();
      assertThrows(IOException.class, () -> TestRedis.command(redis.host(), redis.port(), "PING"));
      redis.restart();
      assertEquals("+PONG", TestRedis.command(redis.host(), redis.port(), "PING"));
    } finally {
      redis.stop();
    }
  }

  @Test
  void embeddedBinaryStartsEvenWhenRedisServerIsOnPath() {
    TestRedis redis = TestRedis.startEmbedded();
    try {
      assertEquals("embedded", redis.source());
      assertTrue(redis.owned());
      assertTrue(Files.isExecutable(redis.serverBinary()), String.valueOf(redis.serverBinary()));
      assertTrue(redis.serverBinary().getFileName().toString().startsWith("redis-server-"));
      try (RedisClient client = redis.newClient()) {
        assertEquals("PONG", client.ping());
        client.set("a", "1");
      }
      redis.flushAll();
      try (RedisClient client = redis.newClient()) {
        assertEquals(0L, client.dbSize());
      }
      int port = redis.port();
      redis.restart();
      assertEquals(port, redis.port());
      assertEquals("+PONG", assertDoesNotThrowIo(() -> TestRedis.command(redis.host(), port, "PING")));
    } finally {
      redis.stop();
    }
  }

  @Test
  void aServerThatDiesAtStartFailsWithItsLog(@TempDir Path dir) throws IOException {
    Path fake = dir.resolve("redis-server");
    Files.writeString(fake, "#!/bin/sh\necho 'fake redis: cannot start' >&2\nexit 3\n");
    assertTrue(fake.toFile().setExecutable(true));

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> TestRedis.startOwned(fake, "path"));

    assertTrue(e.getMessage().contains("exited with code 3"), e.getMessage());
    assertTrue(e.getMessage().contains("fake redis: cannot start"), e.getMessage());
  }

  @Test
  void embeddedResourceNames() {
    assertEquals("redis-server-6.2.6-v5-linux-amd64", TestRedis.embeddedResourceName("Linux", "amd64"));
    assertEquals("redis-server-6.2.7-linux-arm64", TestRedis.embeddedResourceName("Linux", "aarch64"));
    assertEquals("redis-server-6.2.6-v5-darwin-arm64", TestRedis.embeddedResourceName("Mac OS X", "aarch64"));
    assertEquals("redis-server-6.2.6-v5-darwin-amd64", TestRedis.embeddedResourceName("Mac OS X", "x86_64"));
    assertThrows(IllegalStateException.class, () -> TestRedis.embeddedResourceName("Windows 11", "amd64"));
  }

  @Test
  void restartOfARedisThisJvmDoesNotRunIsRefused() {
    TestRedis shared = TestRedis.shared();
    if (!shared.owned()) {
      assertThrows(IllegalStateException.class, shared::restart);
    }
    assertFalse(shared.toString().isEmpty());
  }

  @Test
  void cliBinaryIsFoundOnPathWhenPresent() {
    TestRedis.findOnPath("redis-cli")
        .ifPresent(cli -> assertEquals(cli, TestRedis.shared().cliBinary().orElseThrow()));
  }

  private interface IoCall<T> {
    T call() throws IOException;
  }

  private static <T> T assertDoesNotThrowIo(IoCall<T> call) {
    try {
      return call.call();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
