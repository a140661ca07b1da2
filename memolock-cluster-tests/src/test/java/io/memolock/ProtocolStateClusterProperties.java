package io.memolock;

import io.memolock.spi.KeyScheme;
import io.memolock.testkit.TestRedisCluster;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.state.ActionChain;
import redis.clients.jedis.UnifiedJedis;

/**
 * The protocol's stateful property ({@link ProtocolStateContract}, from memolock-api's test-jar:
 * get, complete, fail, crash the holder, invalidate, across three instances) on a real Redis
 * Cluster through default-configured {@code RedisClusterClient}s: the cluster key scheme, sharded
 * Pub/Sub. In the engine's package because the contract is package-private there.
 */
class ProtocolStateClusterProperties extends ProtocolStateContract {

  @Override
  protected UnifiedJedis newClient() {
    return TestRedisCluster.shared().newClient();
  }

  @Override
  protected KeyScheme keyScheme() {
    return KeyScheme.cluster();
  }

  /** Fewer tries than on the standalone Redis: each try opens three cluster clients. */
  @Override
  @Property(tries = 5)
  void theProtocolKeepsItsInvariants(@ForAll("chains") ActionChain<Model> chain) throws Exception {
    super.theProtocolKeepsItsInvariants(chain);
  }
}
