package io.memolock;

import io.memolock.internal.TestStorage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import redis.clients.jedis.RedisClient;

/**
 * A separate JVM that wins the lock of one resource and then, as told by its arguments, fails when
 * its parent says so ({@code fail}), or hangs until it is killed ({@code hang}).
 *
 * <p>Arguments: host port tag id mode lockTimeoutMs. Prints {@code HOLDING <token>} once it computes.
 */
public final class HolderProcess {
  private HolderProcess() {}

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String tag = args[2];
    String id = args[3];
    String mode = args[4];
    long lockTimeoutMs = Long.parseLong(args[5]);
    BufferedReader stdin =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (RedisClient redis = RedisClient.create(host, port);
        MemoLock<String> lock =
            MemoLock.builder(redis, TestStorage.utf8())
                .tag(tag)
                .lockTimeout(Duration.ofMillis(lockTimeoutMs))
                .build()) {
      try {
        lock.get(
            id,
            Duration.ofSeconds(60),
            lease -> {
              System.out.println("HOLDING " + lease.token());
              System.out.flush();
              if (mode.equals("fail")) {
                stdin.readLine();
                throw new IllegalStateException("child failure for " + id);
              }
              Thread.sleep(Long.MAX_VALUE);
              throw new AssertionError("unreachable");
            });
      } catch (RuntimeException e) {
        System.out.println("FAILED " + e.getMessage());
      }
    }
  }
}
