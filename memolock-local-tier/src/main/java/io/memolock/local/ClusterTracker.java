package io.memolock.local;

import io.memolock.internal.ClusterSlots;
import io.memolock.internal.RateLimitedLog;
import io.memolock.internal.SlotTags;
import io.memolock.internal.SubscriberConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClusterClient;

/**
 * A near cache's invalidation stream on a Redis Cluster: one {@link NodeSession} per primary, each
 * tracking the tag's prefix on its node ({@code BCAST}, so every write there is reported, whichever
 * slot it is in), kept by a topology thread of this tracker's own.
 *
 * <p>The rule: the near cache is live only while every primary of the last topology load has a
 * session that is subscribed and whose node said it is a primary ({@code ROLE}) after that. Then a
 * write anywhere in the cluster is reported, wherever its slot lives, also while a slot migrates
 * between primaries (both are tracked). Anything else takes the near cache down at once, flushed:
 *
 * <ul>
 *   <li>a session's end (its node died, dropped the connection, or gave up its control channel's
 *       slot: a failover that demoted it sends an unrequested {@code SUNSUBSCRIBE}), on the thread
 *       that notices;
 *   <li>a topology load that finds a primary without a session (a promoted replica, a node that got
 *       its first slot).
 * </ul>
 *
 * <p>The {@code ROLE} check after the subscription closes a race with a failover: a node demoted
 * between the connection's set-up and its {@code SSUBSCRIBE} accepts the subscription as a replica
 * and never unsubscribes it. The topology is loaded when a session ends or subscribes, and every
 * {@value #RECHECK_MS} ms otherwise: that is how a brand-new primary is found, so a value of a slot
 * migrated to a node that served no slot before may be served stale for up to that long (failovers
 * and migrations between existing primaries are reported at once).
 *
 * <p>Thread-safe: the sessions are guarded by one {@link ReentrantLock}, under which only the near
 * cache's non-blocking state changes run; connections are opened and closed outside it.
 */
final class ClusterTracker implements InvalidationStream, NodeSession.Events {
  static final long RECHECK_MS = 1_000;
  /** {@link #RECHECK_MS}, or longer in tests that must see failovers noticed without it. */
  private final long recheckMs;
  private static final long MAX_BACKOFF_MS = 2_000;

  private final RedisClusterClient cluster;
  private final ClusterSlots slots;
  private final String prefix;
  private final NodeSession.InvalidatedKeys keys;
  private final NearCache<?> near;
  private final ThreadFactory threads;
  private final String clientName;
  private final String control = "memolock/tracking:" + UUID.randomUUID();
  private final Semaphore wake = new Semaphore(0);
  /** Counted down by {@link #close}: ends a backoff at once. */
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Thread topology;

  private final ReentrantLock lock = new ReentrantLock();
  /** Guarded by {@link #lock}. */
  private final Map<HostAndPort, NodeSession> sessions = new HashMap<>();
  /** Sessions whose node said it is a primary after they subscribed. Guarded by {@link #lock}. */
  private final Set<NodeSession> verified = new HashSet<>();
  /** Guarded by {@link #lock}. */
  private Set<HostAndPort> primaries = Set.of();
  /** Guarded by {@link #lock}. */
  private boolean closed;

  private volatile @Nullable Exception lastError;
  private final RateLimitedLog failures;

  /** Keeps the failure for {@link #lastError}, and counts and logs it. */
  private void failed(Exception e) {
    lastError = e;
    failures.report(() -> clientName + ": the invalidation stream failed (the near cache is down until every primary is tracked): " + e);
  }

  ClusterTracker(
      RedisClusterClient cluster,
      String prefix,
      NodeSession.InvalidatedKeys keys,
      NearCache<?> near,
      ThreadFactory threads,
      String tag,
      long recheckMs,
      RateLimitedLog failures) {
    this.failures = failures;
    this.recheckMs = recheckMs;
    this.cluster = cluster;
    this.slots = new ClusterSlots(cluster);
    this.prefix = prefix;
    this.keys = keys;
    this.near = near;
    this.threads = threads;
    this.clientName = ("memolock-tracking:" + tag).replace(' ', '_');
    this.topology = threads.newThread(this::loop);
  }

  @Override
  public void start() {
    wake.release(); // the first look at once
    topology.start();
  }

  @Override
  public void close() {
    List<NodeSession> open;
    lock.lock();
    try {
      closed = true;
      open = new ArrayList<>(sessions.values());
      sessions.clear();
      near.goDown();
    } finally {
      lock.unlock();
    }
    closing.countDown();
    wake.release();
    open.forEach(NodeSession::stop);
    try {
      topology.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public @Nullable Exception lastError() {
    return lastError;
  }

  /** @return the nodes with a session now (for tests) */
  Set<HostAndPort> trackedNodes() {
    lock.lock();
    try {
      return Set.copyOf(sessions.keySet());
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------ session events (their threads)

  @Override
  public void subscribed(NodeSession session) {
    wake.release(); // the topology thread checks its role, then may go live
  }

  @Override
  public void ended(NodeSession session, @Nullable Exception cause) {
    lock.lock();
    try {
      verified.remove(session);
      if (sessions.get(session.node) == session) {
        sessions.remove(session.node);
        near.goDown(); // its node's writes are no longer reported
      }
    } finally {
      lock.unlock();
    }
    if (cause != null) {
      failed(cause);
    }
    wake.release();
  }

  // ------------------------------------------------------------ the topology thread

  /**
   * Waits for an event (or {@value #RECHECK_MS} ms) and looks at the topology. While the near
   * cache is not live, looks no sooner than a backoff (20 ms, doubling to {@value #MAX_BACKOFF_MS}
   * ms) after the last look, so a dead node is not reconnected to in a loop.
   */
  private void loop() {
    long backoff = 0;
    while (true) {
      try {
        if (backoff > 0) {
          if (closing.await(backoff, TimeUnit.MILLISECONDS)) {
            return;
          }
          wake.drainPermits();
        } else if (wake.tryAcquire(recheckMs, TimeUnit.MILLISECONDS)) {
          wake.drainPermits();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return; // nothing of the thread's own to clean up: close stops the sessions
      }
      if (isClosed()) {
        return;
      }
      try {
        refresh();
      } catch (RuntimeException e) {
        failed(e); // no node answers (an election?), or a node unknown to the client
      }
      backoff = isLive() ? 0 : Math.min(MAX_BACKOFF_MS, backoff == 0 ? 20 : backoff * 2);
    }
  }

  /** Loads the topology, starts and stops sessions to match it, verifies roles, may go live. */
  private void refresh() {
    slots.load();
    Set<HostAndPort> now = slots.primaries();
    List<NodeSession> toStop = new ArrayList<>();
    List<HostAndPort> missing = new ArrayList<>();
    lock.lock();
    try {
      if (closed) {
        return;
      }
      primaries = now;
      for (var it = sessions.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        if (!now.contains(e.getKey())) {
          it.remove();
          verified.remove(e.getValue());
          toStop.add(e.getValue());
          near.goDown();
        }
      }
      for (HostAndPort node : now) {
        if (!sessions.containsKey(node)) {
          near.goDown(); // a primary whose writes are not reported yet
          missing.add(node);
        }
      }
    } finally {
      lock.unlock();
    }
    toStop.forEach(NodeSession::stop);
    for (HostAndPort node : missing) {
      start(newSession(node)); // the pool lookup may refresh Jedis's topology: not under the lock
    }
    for (NodeSession s : unverified()) {
      if (isPrimary(s.node)) {
        lock.lock();
        try {
          if (sessions.get(s.node) == s && s.isSubscribed()) {
            verified.add(s);
          }
        } finally {
          lock.unlock();
        }
      } else {
        s.stop(); // a replica now: a later load finds its replacement
      }
    }
    lock.lock();
    try {
      if (!closed && !near.live() && allLive()) {
        near.goLive();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Registers a session (unless closed or one exists for its node meanwhile) and starts it. */
  private void start(NodeSession session) {
    lock.lock();
    try {
      if (closed || sessions.containsKey(session.node)) {
        return;
      }
      sessions.put(session.node, session);
    } finally {
      lock.unlock();
    }
    threads.newThread(session::run).start();
  }

  private NodeSession newSession(HostAndPort node) {
    int slot = slots.firstSlotOf(node);
    String channel = control + "{" + SlotTags.forSlot(Math.max(0, slot)) + "}";
    return new NodeSession(node, pool(node), prefix, clientName, channel, near, keys, this);
  }

  /** Guarded by {@link #lock}: every primary has a subscribed, verified session. */
  private boolean allLive() {
    if (primaries.isEmpty() || !sessions.keySet().equals(primaries)) {
      return false;
    }
    for (NodeSession s : sessions.values()) {
      if (!s.isSubscribed() || !verified.contains(s)) {
        return false;
      }
    }
    return true;
  }

  /** @return subscribed sessions not verified yet */
  private List<NodeSession> unverified() {
    lock.lock();
    try {
      List<NodeSession> out = new ArrayList<>();
      for (NodeSession s : sessions.values()) {
        if (s.isSubscribed() && !verified.contains(s)) {
          out.add(s);
        }
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  private boolean isLive() {
    lock.lock();
    try {
      return !closed && near.live();
    } finally {
      lock.unlock();
    }
  }

  private boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /** Asks the node itself, on a connection of its own, whether it is a primary now. */
  private boolean isPrimary(HostAndPort node) {
    try (Connection c = SubscriberConnection.dedicatedConnection(pool(node))) {
      c.sendCommand(Protocol.Command.ROLE);
      List<Object> role = c.getObjectMultiBulkReply();
      return !role.isEmpty()
          && role.get(0) instanceof byte[] name
          && "master".equals(new String(name, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      failed(e);
      return false;
    }
  }

  private ConnectionPool pool(HostAndPort node) {
    return ClusterSlots.poolOf(cluster, node);
  }
}
