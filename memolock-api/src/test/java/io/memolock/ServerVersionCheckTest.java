package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.testkit.TestRedis;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

class ServerVersionCheckTest {

  @Test
  void versionsFromTheOldestSupportedOnPass() {
    for (String v : new String[] {"6.2.0", "6.2.6", "6.2.14", "7.0.15", "7.2.4", "7.4.1", "8.0.2", "10.0.0"}) {
      assertNull(ServerVersionCheck.problem(v, false), v);
    }
  }

  @Test
  void olderServersFailWithBothVersionsInTheMessage() {
    for (String v : new String[] {"6.0.20", "6.1.9", "5.0.14", "4.0.9", "2.8.24"}) {
      String problem = ServerVersionCheck.problem(v, false);
      assertNotNull(problem, v);
      assertTrue(problem.contains(v) && problem.contains(ServerVersionCheck.OLDEST_SUPPORTED), problem);
    }
  }

  @Test
  void shardedPubSubNeedsRedis7() {
    String problem = ServerVersionCheck.problem("6.2.6", true);
    assertNotNull(problem);
    assertTrue(problem.contains("6.2.6") && problem.contains("7.0.0") && problem.contains("SSUBSCRIBE"), problem);
    assertNull(ServerVersionCheck.problem("7.0.0", true));
    assertNull(ServerVersionCheck.problem("7.0.15", true));
  }

  @Test
  void suffixesAndOddVersionsAreReadOrIgnored() {
    assertNull(ServerVersionCheck.problem("7.2-rc1", false));
    assertNull(ServerVersionCheck.problem("7", false));
    assertNotNull(ServerVersionCheck.problem("6", false));
    assertNotNull(ServerVersionCheck.problem("5.0.14.1", false));
    assertNull(ServerVersionCheck.problem("unknown", false), "not a version: not checked");
    assertNull(ServerVersionCheck.problem("", false));
  }

  @Test
  void theVersionIsReadFromInfoServer() {
    String info = "# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:00000000\r\nredis_mode:standalone\r\n";
    assertEquals("7.0.15", ServerVersionCheck.versionIn(info));
    assertNull(ServerVersionCheck.versionIn("# Server\r\nredis_mode:standalone\r\n"));
  }

  @Test
  void theTestServerPassesTheCheck() {
    try (RedisClient redis = TestRedis.shared().newClient()) {
      String version = ServerVersionCheck.versionIn(redis.info("server"));
      assertNotNull(version);
      assertNull(ServerVersionCheck.problem(version, false), version);
      ServerVersionCheck.check(redis, "t", false);
    }
  }

  @Test
  void anUnreachableServerIsNotChecked() {
    // Port 1 on loopback refuses at once: build() must not fail or wait because of the version check.
    try (RedisClient redis = RedisClient.create("127.0.0.1", 1)) {
      ServerVersionCheck.check(redis, "t", false);
    }
  }
}
