package io.memolock.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;

/**
 * The one Pub/Sub connection of a Redis client, shared by every MemoLock on that client. It is
 * subscribed only to channels that have local listeners. When the connection drops it reconnects
 * with backoff, resubscribes every wanted channel and tells their listeners to re-check.
 *
 * <p>Its connection ({@link SubscriberConnection}) is outside the client's pool; its client id lets
 * {@link ConnectionListener}s (the local tier's server-assisted invalidation) redirect {@code
 * CLIENT TRACKING} messages to it, which reach it as messages on {@code __redis__:invalidate}.
 *
 * <p>Thread-safe. State changes and writes to the connection happen under one {@link ReentrantLock}
 * (never a monitor, so virtual threads do not pin); message callbacks run outside it,
 * connection callbacks inside it (so they are ordered with the connection's state).
 *
 * <p>(Un)subscriptions are written in batches through a {@link SubscribeOutbox}. Many wanted
 * channels under one registered prefix are heard through one pattern ({@link ChannelPatterns}).
 */
public final class Subscriber implements Channels {

  private final PubSubConnection.Factory connections;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, SubscribedChannel> channels = new HashMap<>();
  private final List<ConnectionListener> connectionListeners = new ArrayList<>();
  private final String control = "memolock/subscriber:" + UUID.randomUUID();
  private final AtomicLong connects = new AtomicLong();
  private final MessageCounts counts = new MessageCounts();
  private final Thread thread;
  private @Nullable PubSubConnection current;
  private volatile boolean closed; // written under the lock, read by the reconnect loop
  /** (Un)subscriptions queued for {@link #current}. */
  private final SubscribeOutbox outbox = new SubscribeOutbox();
  private final Incidents incidents = new Incidents();
  /** The patterns that may stand in for channels (none registered on a shard's). */
  private final ChannelPatterns patterns;

  /** @param coverAt see {@link ChannelPatterns} ({@link ChannelPatterns#COVER_AT}; tests use less) */
  Subscriber(UnifiedJedis redis, int coverAt) {
    this.patterns = new ChannelPatterns(coverAt);
    this.connections =
        (control, ready, ack, message) ->
            new SubscriberConnection(redis, control, ready, ack, message,
                this::onPatternAck, (n, p) -> deliver(n, p, true));
    this.thread = startThread("memolock-subscriber");
  }

  /** A subscriber over other connections (one cluster primary's, see {@link ShardedSubscriber}). */
  Subscriber(PubSubConnection.Factory connections, String threadName) {
    this.patterns = new ChannelPatterns(Integer.MAX_VALUE); // no PSUBSCRIBE with SSUBSCRIBE
    this.connections = connections;
    this.thread = startThread(threadName);
  }

  private Thread startThread(String name) {
    Thread t = Thread.ofPlatform().daemon().name(name).unstarted(this::loop);
    t.start();
    return t;
  }

  @Override
  public void coverByPattern(String prefix) {
    patterns.register(prefix);
  }

  @Override
  public boolean heardAtOnce(List<String> names) {
    return patterns.allOn(names);
  }

  @Override
  public CompletableFuture<Void> listen(List<String> names, ChannelListener listener) {
    CompletableFuture<?>[] ready = new CompletableFuture<?>[names.size()];
    boolean flush = false;
    lock.lock();
    try {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("subscriber closed"));
      }
      for (int i = 0; i < ready.length; i++) {
        String name = names.get(i);
        SubscribedChannel ch = channels.get(name);
        if (ch == null) {
          ch = new SubscribedChannel();
          channels.put(name, ch);
        }
        ch.add(listener);
        if (!ch.wanted) {
          ch.wanted = true;
          PubSubConnection c = current;
          ChannelPatterns.State cover = patterns.wanted(name, c, this::problem);
          ch.covered = cover != null;
          if (cover == ChannelPatterns.State.ON) {
            ch.active = SubscribedChannel.SUBSCRIBED; // nobody waits on a given-up one's future
          } else if (ch.active.isDone()) {
            ch.active = new CompletableFuture<>();
          }
          if (c != null && !ch.covered) {
            ch.pending++;
            flush |= outbox.add(true, name, c, this::problem);
          }
        }
        ready[i] = ch.active;
      }
    } finally {
      lock.unlock();
    }
    if (flush) {
      flush();
    }
    return CompletableFuture.allOf(ready);
  }

  @Override
  public void unlisten(List<String> names, ChannelListener listener) {
    boolean flush = false;
    lock.lock();
    try {
      for (String name : names) {
        SubscribedChannel ch = channels.get(name);
        if (ch == null || !ch.remove(listener) || !ch.isEmpty()) {
          continue;
        }
        ch.wanted = false;
        ch.resync = false;
        PubSubConnection c = current;
        patterns.unwanted(name, ch.covered, c, this::problem);
        if (ch.covered) {
          ch.covered = false; // nothing to unsubscribe
          if (ch.pending == 0) {
            channels.remove(name);
          }
        } else if (c != null) {
          ch.pending++;
          flush |= outbox.add(false, name, c, this::problem);
        } else if (ch.pending == 0) {
          channels.remove(name);
        }
      }
    } finally {
      lock.unlock();
    }
    if (flush) {
      flush();
    }
  }

  /**
   * Adds a connection listener. If the connection is up, {@link ConnectionListener#onConnected} is
   * called at once, on the calling thread.
   */
  public void addConnectionListener(ConnectionListener listener) {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      connectionListeners.add(listener);
      PubSubConnection c = current;
      if (c != null) {
        listener.onConnected(c.clientId());
      }
    } finally {
      lock.unlock();
    }
  }

  /** Removes a connection listener; it is not called after this returns. */
  public void removeConnectionListener(ConnectionListener listener) {
    lock.lock();
    try {
      connectionListeners.remove(listener);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int channelCount() {
    lock.lock();
    try {
      return channels.size();
    } finally {
      lock.unlock();
    }
  }

  /** @return wanted channels heard through a pattern, not subscribed one by one */
  public int coveredChannels() {
    return patterns.covered();
  }

  @Override
  public long connects() {
    return connects.get();
  }

  @Override
  public long messages() {
    return counts.messages();
  }

  @Override
  public long strayMessages() {
    return counts.strays();
  }

  @Override
  public void close() {
    PubSubConnection c;
    List<CompletableFuture<Void>> toFail = new ArrayList<>();
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      c = current;
      for (SubscribedChannel ch : channels.values()) {
        toFail.add(ch.active);
      }
      channels.clear();
      if (c != null) {
        try {
          patterns.removeAll(c); // first: the connection's loop ends when nothing is left
          c.removeAll();
        } catch (RuntimeException e) {
          problem(e); // the connection is closed below in any case
        }
      }
    } finally {
      lock.unlock();
    }
    IllegalStateException closedError = new IllegalStateException("subscriber closed");
    toFail.forEach(f -> f.completeExceptionally(closedError));
    ReconnectLoop.stop(thread);
  }

  /** Writes the outbox, after letting other threads queue their channels in it. */
  private void flush() {
    Thread.yield();
    lock.lock();
    try {
      outbox.write(closed ? null : current, this::problem);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long errors() {
    return incidents.count(Incidents.Kind.SUBSCRIBER);
  }

  private void problem(Throwable e) {
    incidents.report(Incidents.Kind.SUBSCRIBER, "subscriber", null, e);
  }

  private void loop() {
    ReconnectLoop.run(
        () -> closed,
        () -> connections.create(control, this::onReady, this::onAck, (n, p) -> deliver(n, p, false)),
        this::problem,
        this::disconnected);
  }

  private void disconnected() {
    lock.lock();
    try {
      boolean wasConnected = current != null;
      current = null;
      if (wasConnected) {
        connectionListeners.forEach(ConnectionListener::onDisconnected);
      }
      outbox.clear(); // meant for the lost connection; the next one subscribes every wanted channel
      channels.values().removeIf(ch -> !ch.wanted);
      patterns.disconnected(channels); // first: it may uncover channels
      for (SubscribedChannel ch : channels.values()) {
        ch.pending = 0;
        if (ch.active.isDone() && !ch.covered) {
          ch.resync = true; // a covered channel's listeners re-check when its pattern is back
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private void onReady(PubSubConnection connection) {
    lock.lock();
    try {
      if (closed) {
        connection.removeAll();
        return;
      }
      current = connection;
      connects.incrementAndGet();
      connectionListeners.forEach(l -> l.onConnected(connection.clientId()));
      List<byte[]> toSend = new ArrayList<>();
      for (Map.Entry<String, SubscribedChannel> e : channels.entrySet()) {
        if (e.getValue().wanted && !e.getValue().covered) {
          e.getValue().pending = 1;
          toSend.add(e.getKey().getBytes(StandardCharsets.UTF_8));
        }
      }
      outbox.clear();
      SubscribeOutbox.send(connection, true, toSend, this::problem);
      patterns.connected(connection, this::problem);
    } finally {
      lock.unlock();
    }
  }

  private void onAck(String name) {
    CompletableFuture<Void> toComplete = null;
    List<ChannelListener> toResync = List.of();
    lock.lock();
    try {
      SubscribedChannel ch = channels.get(name);
      if (ch == null) {
        return;
      }
      if (ch.pending > 0) {
        ch.pending--;
      } else if (ch.wanted && ch.active.isDone()) {
        connectionListeners.forEach(l -> l.onChannelLost(name)); // an unrequested unsubscribe
        return;
      }
      if (ch.pending == 0) {
        if (!ch.wanted) {
          channels.remove(name);
        } else if (!ch.active.isDone()) {
          toComplete = ch.active;
          ch.active = SubscribedChannel.SUBSCRIBED;
        } else if (ch.resync) {
          ch.resync = false;
          toResync = ch.listenerList();
        }
      }
    } finally {
      lock.unlock();
    }
    if (toComplete != null) {
      toComplete.complete(null);
    }
    toResync.forEach(ChannelListener::onResync);
  }

  private void onPatternAck(String pattern) {
    ChannelPatterns.Acked acked; // completed and told outside the lock, as a channel's ack is
    lock.lock();
    try {
      acked = patterns.acknowledged(pattern, current, this::problem, channels);
    } finally {
      lock.unlock();
    }
    acked.ready().forEach(f -> f.complete(null));
    acked.resync().forEach(ChannelListener::onResync);
  }

  /**
   * Hands a message to its channel's listeners: a pattern's message to a covered channel's, a
   * channel's own to a subscribed one's (see {@link ChannelPatterns}). A pattern's message for a
   * channel nobody here covers is another id's: dropped, not counted.
   */
  private void deliver(String name, byte[] payload, boolean byPattern) {
    SubscribedChannel ch;
    lock.lock();
    try {
      ch = channels.get(name);
      ch = ch != null && ch.covered == byPattern ? ch : null;
    } finally {
      lock.unlock();
    }
    if (byPattern && ch == null) {
      return;
    }
    ChannelListener[] listeners = ch == null ? new ChannelListener[0] : ch.listeners();
    counts.heard(listeners.length == 0);
    for (ChannelListener l : listeners) {
      try {
        l.onMessage(name, payload);
      } catch (Throwable e) {
        // No message, whatever its bytes, stops the subscriber or the other listeners.
        problem(e);
      }
    }
  }
}
