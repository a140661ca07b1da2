package io.memolock.internal;

import java.util.concurrent.locks.ReentrantLock;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The end of one {@link PubSubConnection}'s writes. A Jedis {@code Connection} opens a new socket
 * by itself when a command is written to it once it is closed, so a (un)subscription written after
 * the connection's loop has ended (the subscriber learns of the end a little later) would subscribe
 * a new socket that nobody reads or closes: a leak on the server, holding the channels for good.
 * Every write goes through {@link #write}, which refuses once {@link #end} has run (the subscriber
 * then reports it and resubscribes on its next connection). Writes and the end exclude each other
 * under a lock of their own (the subscriber's lock may be held around a write, never around the
 * end), so no write slips in between. Thread-safe.
 */
final class ConnectionEnd {
  private final ReentrantLock lock = new ReentrantLock();
  private boolean ended;

  /**
   * Writes, unless the connection's loop has ended.
   *
   * @throws JedisConnectionException if it has
   */
  void write(Runnable write) {
    lock.lock();
    try {
      if (ended) {
        throw new JedisConnectionException("the Pub/Sub connection has ended");
      }
      write.run();
    } finally {
      lock.unlock();
    }
  }

  /** Ends the writes for good, then closes the connection. */
  void end(Runnable close) {
    lock.lock();
    try {
      ended = true;
      close.run();
    } finally {
      lock.unlock();
    }
  }
}
