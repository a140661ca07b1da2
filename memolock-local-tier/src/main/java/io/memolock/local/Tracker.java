package io.memolock.local;

import io.memolock.internal.RateLimitedLog;
import io.memolock.internal.ChannelListener;
import io.memolock.internal.ConnectionListener;
import io.memolock.internal.Subscriber;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.apache.commons.pool2.PooledObjectFactory;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;

/**
 * Keeps a near cache's invalidation stream up: Redis server-assisted client-side caching in
 * broadcasting mode, with the invalidation messages redirected to the MemoLock's shared subscriber
 * connection.
 *
 * <p>Two connections take part. The shared subscriber connection (RESP2) receives the messages on
 * {@code __redis__:invalidate}; its owner reports its client id, its loss and its return. A
 * tracking connection of this tier's own, made outside the client's pool (so the pool keeps its
 * size for commands), holds the tracking state: {@code CLIENT TRACKING ON REDIRECT <subscriber
 * id> BCAST PREFIX <prefix>}. It then subscribes to a private channel only so that a thread reads
 * it and hears at once if it dies. The tracking connection is made anew for every subscriber
 * connection (the redirect names one connection id), and again after it dies, with backoff.
 *
 * <p>The near cache is live only while both are up: the subscriber's loss or the tracking
 * connection's takes it down (flushed) at once, on the thread that notices; it goes live again,
 * from empty, when a tracking connection that redirects to the current subscriber connection is
 * established.
 *
 * <p>Thread-safe. Connection work runs on the tracker's own thread; callbacks from the subscriber
 * only record state and enqueue events.
 */
final class Tracker
    implements InvalidationStream, ConnectionListener, ChannelListener {
  static final String CHANNEL = "__redis__:invalidate";
  private static final long MIN_BACKOFF_MS = 20;
  private static final long MAX_BACKOFF_MS = 2_000;

  private final Subscriber subscriber;
  private final PooledObjectFactory<Connection> connections;
  private final String prefix;
  private final Function<String, @Nullable String> nearKeyOf;
  private final NearCache<?> near;
  private final ThreadFactory threads;
  private final String name;
  private final byte[] control =
      ("memolock/tracking:" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
  private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
  private final Thread thread;

  private final ReentrantLock lock = new ReentrantLock();
  /** Bumped on every subscriber connect and disconnect. Guarded by {@link #lock}. */
  private long epoch;
  /** Guarded by {@link #lock}. */
  private long subscriberId = -1;
  /** Guarded by {@link #lock}. */
  private @Nullable Session current;
  /** Guarded by {@link #lock}. */
  private boolean closed;

  private volatile @Nullable Exception lastError;
  private final RateLimitedLog failures;

  /** Keeps the failure for {@link #lastError}, and counts and logs it. */
  private void failed(Exception e) {
    lastError = e;
    failures.report(() -> name + ": the invalidation stream failed (the near cache is down until it is back): " + e);
  }

  private record Connected(long epoch, long clientId) {}

  private record Ended(Session session) {}

  private enum Signal {
    DISCONNECTED,
    CLOSE
  }

  Tracker(
      Subscriber subscriber,
      PooledObjectFactory<Connection> connections,
      String prefix,
      Function<String, @Nullable String> nearKeyOf,
      NearCache<?> near,
      ThreadFactory threads,
      String tag,
      RateLimitedLog failures) {
    this.failures = failures;
    this.subscriber = subscriber;
    this.connections = connections;
    this.prefix = prefix;
    this.nearKeyOf = nearKeyOf;
    this.near = near;
    this.threads = threads;
    this.name = "memolock-tracking:" + tag;
    this.thread = threads.newThread(this::run);
  }

  @Override
  public void start() {
    subscriber.listen(List.of(CHANNEL), this);
    thread.start();
    subscriber.addConnectionListener(this);
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
    } finally {
      lock.unlock();
    }
    subscriber.removeConnectionListener(this);
    subscriber.unlisten(List.of(CHANNEL), this);
    events.add(Signal.CLOSE);
    try {
      thread.join(java.time.Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    near.goDown();
  }

  /** @return the subscriber connection's id, or -1 while it is down (for tests) */
  long subscriberId() {
    lock.lock();
    try {
      return subscriberId;
    } finally {
      lock.unlock();
    }
  }

  /** @return the tracking connection's id, or -1 while there is none (for tests) */
  long trackingId() {
    lock.lock();
    try {
      return current == null ? -1 : current.clientId;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public @Nullable Exception lastError() {
    return lastError;
  }

  // ------------------------------------------------------------ subscriber callbacks (its thread)

  @Override
  public void onConnected(long clientId) {
    long e;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      e = ++epoch;
      subscriberId = clientId;
    } finally {
      lock.unlock();
    }
    if (clientId < 0) {
      lastError =
          new IllegalStateException(
              "the subscriber connection's client id is unknown (HELLO refused?): no tracking");
    }
    events.add(new Connected(e, clientId));
  }

  @Override
  public void onDisconnected() {
    lock.lock();
    try {
      epoch++;
      subscriberId = -1;
      near.goDown();
    } finally {
      lock.unlock();
    }
    events.add(Signal.DISCONNECTED);
  }

  @Override
  public void onMessage(String channel, byte[] payload) {
    if (payload.length == 0) {
      near.flush(); // FLUSHALL / FLUSHDB: tracking sends a null key list
      return;
    }
    String key = nearKeyOf.apply(new String(payload, StandardCharsets.UTF_8));
    if (key != null) {
      near.invalidations.increment();
      near.invalidate(key);
    }
  }

  @Override
  public void onResync() {
    // The connection listener has already flushed when the connection dropped.
  }

  // ------------------------------------------------------------ the tracker's thread

  private void run() {
    @Nullable Connected wanted = null;
    @Nullable Session session = null;
    long delay = 0;
    try {
      while (true) {
        boolean toOpen = wanted != null && wanted.clientId >= 0 && session == null;
        Object event = toOpen ? events.poll(delay, TimeUnit.MILLISECONDS) : events.take();
        if (event == null) {
          try {
            session = open(wanted);
          } catch (RuntimeException e) {
            failed(e);
            delay = backoff(delay);
          }
        } else if (event == Signal.CLOSE) {
          return;
        } else if (event instanceof Connected c) {
          stop(session);
          session = null;
          wanted = c;
          delay = 0;
        } else if (event == Signal.DISCONNECTED) {
          stop(session);
          session = null;
          wanted = null;
        } else if (event instanceof Ended ended && ended.session == session) {
          session = null;
          delay = ended.session.livedLong() ? MIN_BACKOFF_MS : backoff(delay);
        }
      }
    } catch (InterruptedException e) {
      // closing
    } finally {
      stop(session);
    }
  }

  private static long backoff(long delay) {
    return delay == 0 ? MIN_BACKOFF_MS : Math.min(MAX_BACKOFF_MS, delay * 2);
  }

  /** Opens a tracking connection redirecting to the wanted subscriber connection. */
  private Session open(Connected wanted) {
    Connection c;
    try {
      c = connections.makeObject().getObject();
    } catch (Exception e) {
      throw new IllegalStateException("cannot open the tracking connection", e);
    }
    try {
      c.sendCommand(Protocol.Command.CLIENT, "SETNAME", name.replace(' ', '_'));
      c.getStatusCodeReply();
      c.sendCommand(Protocol.Command.CLIENT, "ID");
      long id = c.getIntegerReply();
      if (prefix.isEmpty()) {
        c.sendCommand(
            Protocol.Command.CLIENT, "TRACKING", "ON", "REDIRECT", Long.toString(wanted.clientId),
            "BCAST");
      } else {
        c.sendCommand(
            Protocol.Command.CLIENT, "TRACKING", "ON", "REDIRECT", Long.toString(wanted.clientId),
            "BCAST", "PREFIX", prefix);
      }
      c.getStatusCodeReply();
      Session s = new Session(c, wanted.epoch, id);
      lock.lock();
      try {
        current = s;
      } finally {
        lock.unlock();
      }
      threads.newThread(s::run).start();
      return s;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** Ends a session on purpose (the subscriber moved or the tier closes). */
  private void stop(@Nullable Session session) {
    if (session == null) {
      return;
    }
    dropIfCurrent(session);
    session.stop();
  }

  /** One tracking connection and the thread that reads it. */
  private final class Session extends BinaryJedisPubSub {
    final Connection connection;
    final long epoch;
    final long clientId;
    volatile long liveSince;

    Session(Connection connection, long epoch, long clientId) {
      this.connection = connection;
      this.epoch = epoch;
      this.clientId = clientId;
    }

    void run() {
      try {
        proceed(connection, control);
      } catch (RuntimeException e) {
        failed(e);
      } finally {
        connection.close();
        ended(this);
      }
    }

    boolean livedLong() {
      long since = liveSince;
      return since != 0
          && System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(MAX_BACKOFF_MS);
    }

    void stop() {
      try {
        unsubscribe();
      } catch (RuntimeException e) {
        connection.close(); // broken: closing the socket ends the reader
      }
    }

    @Override
    public void onSubscribe(byte[] channel, int subscribedChannels) {
      // Tracking is on and the reader watches the connection: serve.
      lock.lock();
      try {
        if (!closed && current == this && Tracker.this.epoch == epoch) {
          liveSince = System.nanoTime();
          near.goLive();
        }
      } finally {
        lock.unlock();
      }
    }
  }

  private void ended(Session session) {
    dropIfCurrent(session);
    events.add(new Ended(session));
  }

  /** If the session is the current one, there is none any more and the near cache stops serving. */
  private void dropIfCurrent(Session session) {
    lock.lock();
    try {
      if (current == session) {
        current = null;
        near.goDown();
      }
    } finally {
      lock.unlock();
    }
  }
}
