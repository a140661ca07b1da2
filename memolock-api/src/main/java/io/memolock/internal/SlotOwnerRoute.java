package io.memolock.internal;

import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisAskDataException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Runs a lock holder's owner-checked scripts (renew, release, store, absence, failure) on the
 * primary that serves the resource's slot, on one connection of that node's pool, instead of
 * through the cluster client's own retries.
 *
 * <p>Why: when a primary dies, a default {@code RedisClusterClient} retries a command with a
 * random backoff of up to the time left over the attempts left squared, so the last pause alone
 * may be most of its retry budget (soTimeout x attempts, 10 s by default). Observed on the test
 * cluster: a holder whose computation ended while its primary was down sat in one such store call
 * past its own lock timeout although the promoted replica had served the slot for seconds, so a
 * waiter took the expired lock over and computed a second time (2 computations in 4 of 9 runs,
 * with the lock on the replica before the kill). Here a dead node fails the attempt at once (the
 * connection is refused); the slot map is then reloaded ({@link ClusterSlots}) and the holder's
 * own retry ({@link StoreRetry}, every 100 ms while the lease lasts) reaches the new owner as soon
 * as the cluster names it. A {@code MOVED} reply is followed at once (the slot map reloaded); an
 * {@code ASK} (a slot being migrated) is followed with {@code ASKING}. Every script routed here is
 * owner-checked, so a repeat after a reply lost with its connection writes nothing twice.
 *
 * <p>Thread-safe: stateless but for the shared slot map.
 */
final class SlotOwnerRoute {
  private static final int MAX_REDIRECTS = 3;

  private final RedisClusterClient cluster;
  private final ClusterSlots slots;
  private final Function<HostAndPort, Semaphore> permits;

  /**
   * @param permits the node's bound on concurrent commands (its pool's size: see {@link
   *     SharedClient#permits}), held around each script, so that the holders of many ids never
   *     wait in the node's pool for a connection (a pool borrow has no deadline of its own; seen on
   *     the test cluster: 60 holders' stores on pools of 8 stuck in the pool's create for minutes)
   */
  SlotOwnerRoute(
      RedisClusterClient cluster, ClusterSlots slots, Function<HostAndPort, Semaphore> permits) {
    this.cluster = cluster;
    this.slots = slots;
    this.permits = permits;
  }

  /**
   * @param key one of the resource's keys (all share its slot)
   * @param script what to run, given a client of the slot's primary
   * @param <T> its result
   * @return its result
   * @throws JedisException as the node or the script failed; a connection failure after the slot
   *     map was reloaded, so that a repeat goes to the new owner
   */
  <T> T run(byte[] key, Function<UnifiedJedis, T> script) {
    int slot = JedisClusterCRC16.getSlot(key);
    HostAndPort node = slots.owner(slot);
    boolean asking = false;
    for (int hop = 0; ; hop++) {
      if (node == null) {
        JedisConnectionException none =
            new JedisConnectionException("no cluster node serves hash slot " + slot + " now");
        reload(none);
        throw none;
      }
      Semaphore permit = permits.apply(node);
      try {
        permit.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new JedisConnectionException("interrupted waiting for a connection to " + node, e);
      }
      try (OneNode one = new OneNode(connection(node), asking)) {
        return script.apply(one);
      } catch (JedisMovedDataException moved) {
        if (hop >= MAX_REDIRECTS) {
          throw moved;
        }
        reload(moved);
        node = moved.getTargetNode();
        asking = false;
      } catch (JedisAskDataException ask) {
        if (hop >= MAX_REDIRECTS) {
          throw ask;
        }
        node = ask.getTargetNode();
        asking = true;
      } catch (JedisConnectionException down) {
        reload(down);
        throw down;
      } finally {
        permit.release();
      }
    }
  }

  /** A pooled connection to the node (returned to its pool when closed). */
  private Connection connection(HostAndPort node) {
    return ClusterSlots.poolOf(cluster, node).getResource();
  }

  /**
   * Reloads the slot map (ours and the client's), if a node answers.
   *
   * @param cause the failure that made it necessary: a failure to reload is added to it, for
   *     whoever reports it (no node answers during an election; the next retry reloads again)
   */
  private void reload(JedisException cause) {
    try {
      slots.load();
      cluster.refreshClusterTopology();
    } catch (JedisException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * A client of one connection: closing it returns the connection to its pool. After an {@code
   * ASK} it sends {@code ASKING} before each script it runs ({@code ASKING} holds for one command
   * only, and a script may take two: {@code EVALSHA}, then {@code EVAL} on {@code NOSCRIPT}).
   */
  private static final class OneNode extends UnifiedJedis {
    private final boolean asking;

    // Jedis 8 deprecates this constructor for its builders, which all make a pool or a provider
    // of their own; it is the one way to run UnifiedJedis's commands on a given pooled connection.
    @SuppressWarnings("deprecation")
    OneNode(Connection connection, boolean asking) {
      super(connection);
      this.asking = asking;
    }

    @Override
    public Object evalsha(byte[] sha1, List<byte[]> keys, List<byte[]> args) {
      ask();
      return super.evalsha(sha1, keys, args);
    }

    @Override
    public Object eval(byte[] script, List<byte[]> keys, List<byte[]> args) {
      ask();
      return super.eval(script, keys, args);
    }

    @SuppressWarnings("deprecation") // ASKING has no typed method on UnifiedJedis
    private void ask() {
      if (asking) {
        sendCommand(Protocol.Command.ASKING);
      }
    }
  }
}
