package io.memolock.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class RedisServerProcessPortTest {

  /**
   * Guards the CI failure where a cluster node's {@code cluster-port}, chosen once, was taken by
   * someone else: every retry reused it and the whole cluster failed to start.
   */
  @Test
  void aClusterNodeWhoseClusterPortIsTakenIsRetriedWithAFreshOne() throws Exception {
    Path binary = RedisBinaries.findOnPath("redis-server")
        .orElseThrow(() -> new IllegalStateException("this test needs redis-server on PATH"));
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      AtomicInteger attempts = new AtomicInteger();
      RedisServerProcess node = RedisServerProcess.start(binary, () -> {
        int port = attempts.incrementAndGet() == 1 ? taken.getLocalPort() : RedisServerProcess.freePort();
        return List.of(
            "cluster-enabled yes", "cluster-config-file nodes.conf", "cluster-port " + port);
      });
      try {
        assertEquals(2, attempts.get(), "the first attempt meets the taken port, the second a free one");
        try (Jedis jedis = new Jedis(node.host(), node.port())) {
          assertTrue(jedis.info("cluster").contains("cluster_enabled:1"));
        }
      } finally {
        node.stop();
      }
    }
  }
}
