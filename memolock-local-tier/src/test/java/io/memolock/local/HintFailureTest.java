package io.memolock.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.memolock.Computed;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * A command beside a near miss that Redis refuses (here the computation time, which an ACL forbids
 * writing) does not fail the caller, and is not dropped silently either: it is counted in {@link
 * LocalTierMetrics#hintFailures()} (and logged).
 */
class HintFailureTest extends LocalTierFixture {
  private static final String USER = "memolock-nohint";

  @AfterEach
  @SuppressWarnings("deprecation") // sendCommand: Jedis has no typed ACL SETUSER/DELUSER on UnifiedJedis
  void dropUser() {
    redis.sendCommand(Protocol.Command.ACL, "DELUSER", USER);
  }

  @Test
  @SuppressWarnings("deprecation") // as above
  void aComputationTimeRedisRefusesIsCountedAndTheCallerStillGetsItsValue() throws Exception {
    redis.sendCommand(
        Protocol.Command.ACL,
        "SETUSER",
        USER,
        "on",
        ">secret",
        "resetkeys",
        "~q:*",
        "~q/lock:*",
        "~q/notif:*",
        "~q/fail:*",
        "%R~q/xfetch:*",
        "resetchannels",
        "&*",
        "+@all");
    RedisClient limited =
        track(
            RedisClient.builder()
                .hostAndPort(new HostAndPort(REDIS.host(), REDIS.port()))
                .clientConfig(DefaultJedisClientConfig.builder().user(USER).password("secret").build())
                .build());
    LocalTier<String> tier = tier(limited, "q", LocalTier.builder().refreshBeta(1.0));

    String value = tier.get("k", Duration.ofSeconds(5), l -> Computed.of("v", Duration.ofSeconds(20)));

    assertEquals("v", value);
    assertEquals("v", redis.get("q:k"), "the value itself is stored");
    assertFalse(redis.exists("q/xfetch:k"), "the ACL refused the computation time");
    assertEquals(1, tier.localMetrics().hintFailures());
    assertEquals(0, tier.localMetrics().refreshFailures());
  }
}
