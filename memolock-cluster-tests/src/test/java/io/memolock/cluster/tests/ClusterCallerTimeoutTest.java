package io.memolock.cluster.tests;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.memolock.Computed;
import io.memolock.MemoLock;
import io.memolock.MemoLockTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A caller's timeout on a cluster client, while the key's primary does not answer. */
class ClusterCallerTimeoutTest extends ClusterFixture {

  /**
   * The caller's deadline ends its stuck read, whatever the cluster client's retries make of the
   * interrupt. (A cluster client may also swallow the interrupt flag, wrapping an interrupted
   * backoff sleep as a cluster failure; the protocol's ActionChain on the cluster found a caller
   * told "Redis is unreachable" so, which {@code Flight.readFirst} now takes for an interrupt.
   * This test does not reach that path deterministically: here the read ends as a timeout either
   * way.)
   */
  @Test
  void aCallerWhoseReadIsStuckOnAPausedPrimaryGetsATimeout() {
    String tag = "paused";
    String id = newId();
    MemoLock<String> lock = instance(tag, Duration.ofSeconds(5));
    int primary = CLUSTER.primaryOf(valueKey(tag, id));
    lock.getIfPresent(newId()); // connections made before the pause
    CLUSTER.node(primary, j -> j.clientPause(1_500));
    assertThrows(
        MemoLockTimeoutException.class,
        () -> lock.get(id, Duration.ofMillis(200), lease -> Computed.of("never stored")));
  }
}
