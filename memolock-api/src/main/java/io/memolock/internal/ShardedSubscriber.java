package io.memolock.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Sharded Pub/Sub for a Redis Cluster client, shared by every MemoLock on it: one {@link
 * Subscriber} per primary, each on one {@link ShardConnection} of its own ({@code SSUBSCRIBE},
 * outside the pools), subscribed only to the channels of that node's slots that have local
 * listeners. An instance so hears only the notifications of the keys it waits on, and only from the
 * shard that owns them.
 *
 * <p>A listener's channels must share one slot (the cluster key scheme's hash tag). Each {@code
 * listen} is a registration bound to the slot's owner in {@link ClusterSlots}. When a node's
 * connection drops, or the server unsubscribes a channel by itself ({@code SUNSUBSCRIBE} on a
 * failover or a slot migration; a {@code MOVED} reply ends the connection), the topology thread
 * refreshes the topology (Jedis's and {@code CLUSTER SLOTS}), moves every registration whose slot
 * has a new owner to that node's subscriber, and tells its listener to re-check ({@link
 * ChannelListener#onResync}) once it is subscribed there. While a node with registrations is
 * down, it checks again every {@value #RECHECK_MS} ms. A node's own reconnection (same owner) is
 * resynced by its subscriber as on a standalone Redis. Subscribers of nodes that no longer serve
 * slots, and have no registrations, are closed.
 *
 * <p>Thread-safe: the registry is guarded by one {@link ReentrantLock} (never a monitor); no I/O
 * runs under it except the per-node subscribers' non-blocking writes, and node callbacks never
 * take it (they only wake the topology thread), so the two locks are always taken in one order.
 */
final class ShardedSubscriber implements Channels {
  private static final long RECHECK_MS = 200;

  private record Key(ChannelListener listener, String channel) {}

  private static final class Registration {
    final List<String> names;
    final ChannelListener listener;
    final int slot;
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    @Nullable HostAndPort node;

    Registration(List<String> names, ChannelListener listener, int slot) {
      this.names = List.copyOf(names);
      this.listener = listener;
      this.slot = slot;
    }
  }

  private static final class Node {
    final Subscriber subscriber;
    volatile boolean connected;

    Node(Subscriber subscriber) {
      this.subscriber = subscriber;
    }
  }

  private final RedisClusterClient cluster;
  private final ClusterSlots slots;
  private final String control = "memolock/ssubscriber:" + UUID.randomUUID();
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<HostAndPort, Node> nodes = new HashMap<>();
  private final Map<Key, Registration> registrations = new HashMap<>();
  private final Semaphore wake = new Semaphore(0);
  private final Incidents incidents = new Incidents();
  private final LongAdder closedNodeErrors = new LongAdder();
  private final LongAdder closedNodeConnects = new LongAdder();
  private final LongAdder closedNodeMessages = new LongAdder();
  private final LongAdder closedNodeStrays = new LongAdder();
  private final LongAdder moves = new LongAdder();
  private final Thread topology;
  private boolean closed;

  /** @param slots the client's slot map, shared with its pipelines and holder route */
  ShardedSubscriber(RedisClusterClient cluster, ClusterSlots slots) {
    this.cluster = cluster;
    this.slots = slots;
    this.topology =
        Thread.ofPlatform().daemon().name("memolock-shard-topology").unstarted(this::loop);
    topology.start();
  }

  @Override
  public CompletableFuture<Void> listen(List<String> names, ChannelListener listener) {
    int slot = JedisClusterCRC16.getSlot(names.get(0));
    for (String name : names) {
      if (JedisClusterCRC16.getSlot(name) != slot) {
        return CompletableFuture.failedFuture(
            new IllegalArgumentException(
                "the channels " + names + " fall in different hash slots: on a Redis Cluster the"
                    + " key scheme must give a resource's names one hash tag"));
      }
    }
    HostAndPort owner;
    try {
      owner = slots.owner(slot);
    } catch (JedisException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (owner == null) {
      wake.release();
      return CompletableFuture.failedFuture(
          new JedisConnectionException("no cluster node serves hash slot " + slot + " now"));
    }
    lock.lock();
    try {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("subscriber closed"));
      }
      Registration reg = new Registration(names, listener, slot);
      Registration old = registrations.put(new Key(listener, reg.names.get(0)), reg);
      if (old != null) {
        detach(old);
      }
      attach(reg, owner);
      return reg.ready;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void unlisten(List<String> names, ChannelListener listener) {
    lock.lock();
    try {
      Registration reg = registrations.remove(new Key(listener, names.get(0)));
      if (reg != null) {
        detach(reg);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Must hold the lock. Listens on the owner's subscriber, creating it if needed. */
  private void attach(Registration reg, HostAndPort owner) {
    reg.node = owner;
    Node node = nodes.get(owner);
    if (node == null) {
      node = newNode(owner);
      nodes.put(owner, node);
    }
    node.subscriber
        .listen(reg.names, reg.listener)
        .whenComplete((ok, error) -> subscribed(reg, owner, error));
  }

  /** Must hold the lock. */
  private void detach(Registration reg) {
    Node node = reg.node == null ? null : nodes.get(reg.node);
    if (node != null) {
      node.subscriber.unlisten(reg.names, reg.listener);
    }
  }

  /** A node's subscription of a registration is acknowledged (or failed). */
  private void subscribed(Registration reg, HostAndPort owner, @Nullable Throwable error) {
    boolean current;
    lock.lock();
    try {
      current =
          owner.equals(reg.node) && registrations.get(new Key(reg.listener, reg.names.get(0))) == reg;
    } finally {
      lock.unlock();
    }
    if (!current) {
      return; // moved on, or unlistened: the next node's acknowledgement decides
    }
    if (error != null) {
      reg.ready.completeExceptionally(error);
    } else if (!reg.ready.complete(null)) {
      reg.listener.onResync(); // moved here from another node: messages may have been missed
    }
  }

  private Node newNode(HostAndPort owner) {
    Node[] self = new Node[1];
    Subscriber subscriber =
        new Subscriber(
            (ctl, ready, ack, message) ->
                new ShardConnection(pool(owner), owner, ctl, ready, ack, message),
            "memolock-ssubscriber-" + owner);
    Node node = new Node(subscriber);
    self[0] = node;
    subscriber.addConnectionListener(
        new ConnectionListener() {
          @Override
          public void onConnected(long clientId) {
            self[0].connected = true;
          }

          @Override
          public void onDisconnected() {
            self[0].connected = false;
            wake.release();
          }

          @Override
          public void onChannelLost(String channel) {
            wake.release();
          }
        });
    // A node that never connects (dead since the slot map was loaded) never disconnects either:
    // the topology thread checks it until it is up or its registrations moved.
    wake.release();
    return node;
  }

  /** The pool Jedis keeps for the node (whose factory makes its connections). */
  private ConnectionPool pool(HostAndPort owner) {
    return ClusterSlots.poolOf(cluster, owner);
  }

  /** The topology thread: checks when woken, and again while a node with listeners is down. */
  private void loop() {
    boolean again = false;
    while (true) {
      try {
        if (again) {
          wake.tryAcquire(RECHECK_MS, TimeUnit.MILLISECONDS);
        } else {
          wake.acquire();
        }
      } catch (InterruptedException e) {
        return;
      }
      wake.drainPermits();
      lock.lock();
      try {
        if (closed) {
          return;
        }
      } finally {
        lock.unlock();
      }
      again = check();
    }
  }

  /** @return whether to check again soon */
  private boolean check() {
    try {
      cluster.refreshClusterTopology();
      slots.load();
    } catch (JedisException | IllegalStateException e) {
      incidents.report(Incidents.Kind.SUBSCRIBER, "sharded subscriber", null, e);
      return true; // no node answers yet: the cluster may be electing a new primary
    }
    List<Node> toClose = new ArrayList<>();
    boolean again = false;
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      for (Registration reg : registrations.values()) {
        HostAndPort owner = slots.owner(reg.slot);
        if (owner != null && !owner.equals(reg.node)) {
          detach(reg);
          attach(reg, owner);
          moves.increment();
        }
      }
      List<HostAndPort> used = registrations.values().stream().map(r -> r.node).toList();
      for (Map.Entry<HostAndPort, Node> e : List.copyOf(nodes.entrySet())) {
        if (!used.contains(e.getKey()) && !slots.isPrimary(e.getKey())) {
          nodes.remove(e.getKey());
          toClose.add(e.getValue());
        } else if (used.contains(e.getKey()) && !e.getValue().connected) {
          again = true;
        }
      }
    } finally {
      lock.unlock();
    }
    toClose.forEach(this::closeNode);
    return again;
  }

  private void closeNode(Node node) {
    node.subscriber.close();
    closedNodeErrors.add(node.subscriber.errors());
    closedNodeConnects.add(node.subscriber.connects());
    closedNodeMessages.add(node.subscriber.messages());
    closedNodeStrays.add(node.subscriber.strayMessages());
  }

  /** @return the slot map this subscriber follows (shared with the holders' {@link SlotOwnerRoute}) */
  ClusterSlots slots() {
    return slots;
  }

  /** @return how many registrations moved to another node (for tests of failover) */
  long moves() {
    return moves.sum();
  }

  @Override
  public long errors() {
    long sum = incidents.count(Incidents.Kind.SUBSCRIBER) + closedNodeErrors.sum();
    for (Node node : snapshot()) {
      sum += node.subscriber.errors();
    }
    return sum;
  }

  @Override
  public int channelCount() {
    int sum = 0;
    for (Node node : snapshot()) {
      sum += node.subscriber.channelCount();
    }
    return sum;
  }

  @Override
  public long connects() {
    long sum = closedNodeConnects.sum();
    for (Node node : snapshot()) {
      sum += node.subscriber.connects();
    }
    return sum;
  }

  @Override
  public long messages() {
    long sum = closedNodeMessages.sum();
    for (Node node : snapshot()) {
      sum += node.subscriber.messages();
    }
    return sum;
  }

  @Override
  public long strayMessages() {
    long sum = closedNodeStrays.sum();
    for (Node node : snapshot()) {
      sum += node.subscriber.strayMessages();
    }
    return sum;
  }

  private List<Node> snapshot() {
    lock.lock();
    try {
      return List.copyOf(nodes.values());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    List<Node> toClose;
    List<Registration> pending;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      toClose = List.copyOf(nodes.values());
      pending = List.copyOf(registrations.values());
      nodes.clear();
      registrations.clear();
    } finally {
      lock.unlock();
    }
    wake.release();
    IllegalStateException closedError = new IllegalStateException("subscriber closed");
    pending.forEach(r -> r.ready.completeExceptionally(closedError));
    toClose.forEach(this::closeNode);
    try {
      topology.join(java.time.Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
