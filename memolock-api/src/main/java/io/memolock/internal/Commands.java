package io.memolock.internal;

import io.memolock.CodecException;
import io.memolock.MemoLockException;
import io.memolock.MemoLockInterruptedException;
import io.memolock.spi.KeyScheme;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Runs one MemoLock's Redis commands: within the bound on concurrent commands that every MemoLock
 * on the client shares (its permits: per node on a cluster, see {@link SharedClient}), once more on a fresh connection when a pooled one turns out
 * dead, and with every failure translated into a {@link MemoLockException} that names the
 * resource: an unreachable Redis, a refused command, a key of the wrong type (named, with its
 * actual type), bytes that do not decode, an interrupt. The one place where a Jedis exception
 * becomes ours. Thread-safe.
 */
final class Commands {
  private final UnifiedJedis redis;
  private final SharedClient shared;
  private final String tag;
  private final KeyScheme keyScheme;
  private final String valueType;
  private final String storageName;
  private final boolean pipelined;

  /**
   * @param valueType the Redis type the storage keeps values in ({@code "string"}, {@code
   *     "hash"}...)
   * @param storageName the storage's name, for wrong-type messages
   * @param pipelined whether the protocol's commands go through {@link SharedClient#pipelines}
   *     (whose batches take the permits, so that {@link #protocol} takes none per caller)
   */
  Commands(
      UnifiedJedis redis,
      SharedClient shared,
      String tag,
      KeyScheme keyScheme,
      String valueType,
      String storageName,
      boolean pipelined) {
    this.redis = redis;
    this.shared = shared;
    this.tag = tag;
    this.keyScheme = keyScheme;
    this.valueType = valueType;
    this.storageName = storageName;
    this.pipelined = pipelined;
  }

  /** Runs one Redis command within the bound on concurrent commands, translating failures. */
  <T> T call(String id, Supplier<T> command) {
    Semaphore permits =
        shared.slots == null
            ? shared.permits
            : shared.permitsFor(Bytes.utf8(keyScheme.valueKey(tag, id)));
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MemoLockInterruptedException(tag, id, e);
    }
    try {
      return callHeld(id, command);
    } finally {
      permits.release();
    }
  }

  /**
   * Runs one step of the protocol (a script or a single command of {@link Protocol}): through the
   * command pipelines when they are on, whose batches hold the permits (a command waiting in a
   * pipeline holds none), else as {@link #call} does.
   */
  <T> T protocol(String id, Supplier<T> command) {
    return pipelined ? callHeld(id, command) : call(id, command);
  }

  /** Runs one Redis command under a permit the caller holds, translating failures. */
  <T> T callHeld(String id, Supplier<T> command) {
    try {
      try {
        return command.get();
      } catch (JedisConnectionException stale) {
        if (Thread.currentThread().isInterrupted()) {
          throw stale;
        }
        // A pooled connection may have died with an earlier server (restart, CLIENT KILL):
        // the pool drops it, and one more attempt on a fresh connection tells whether Redis
        // is really unreachable. Every command here is safe to repeat.
        return command.get();
      }
    } catch (CodecException e) {
      throw new CodecException(tag, id, "cannot decode the stored value: " + e.getMessage(), e);
    } catch (JedisException e) {
      throw translate(id, e);
    }
  }

  /** A Jedis failure as ours: an interrupt, an outage, a wrong type, a refusal. */
  private MemoLockException translate(String id, JedisException e) {
    String message = String.valueOf(e.getMessage());
    if (e instanceof JedisConnectionException && Thread.currentThread().isInterrupted()) {
      // A virtual thread's socket is closed when the thread is interrupted during I/O.
      InterruptedException interrupt = new InterruptedException("interrupted during a command");
      interrupt.initCause(e);
      throw new MemoLockInterruptedException(tag, id, interrupt);
    }
    if (e instanceof JedisConnectionException) {
      return new MemoLockException(tag, id, "Redis is unreachable: " + message, e);
    }
    if (Outages.isOutage(e)) {
      // A cluster failing over: the key's primary is down and its replica not promoted yet.
      return new MemoLockException(
          tag, id, "Redis is unreachable (a cluster failing over?): " + message, e);
    }
    if (e instanceof JedisDataException data) {
      return message.startsWith("WRONGTYPE")
          ? wrongType(id, data)
          : new MemoLockException(tag, id, "Redis rejected a command: " + message, e);
    }
    return new MemoLockException(tag, id, "Redis client failure: " + message, e);
  }

  /**
   * Runs a storage's read (a command and the decoding of its reply). A Redis failure or one of
   * ours passes through; anything else a storage or codec throws (an {@code
   * IllegalStateException} of a third-party codec, a {@code StackOverflowError} on hostile bytes)
   * is a decoding failure, reported as a {@link CodecException} with the throwable as its cause.
   */
  static <T> T decoding(Supplier<T> read) {
    try {
      return read.get();
    } catch (JedisException | MemoLockException e) {
      throw e;
    } catch (Throwable t) {
      throw new CodecException(null, null, String.valueOf(t), t);
    }
  }

  /**
   * Names the key of this resource that holds another Redis type than expected (one {@code TYPE}
   * per key, only on this error path).
   */
  private MemoLockException wrongType(String id, JedisDataException e) {
    KeyScheme.Keys k = keyScheme.keys(tag, id);
    String[][] expected = {{k.value(), valueType}, {k.lock(), "string"}, {k.failure(), "string"}};
    for (String[] key : expected) {
      String actual;
      try {
        actual = redis.type(Bytes.utf8(key[0]));
      } catch (JedisException typeFailed) {
        e.addSuppressed(typeFailed); // the generic message below still names the error
        continue;
      }
      if (!"none".equals(actual) && !key[1].equals(actual)) {
        return new MemoLockException(
            tag,
            id,
            "wrong Redis type: key '"
                + key[0]
                + "' holds a "
                + actual
                + " where a "
                + key[1]
                + " is expected ("
                + storageName
                + "); Redis was left as it was",
            e);
      }
    }
    return new MemoLockException(
        tag, id, "a key of this resource holds the wrong Redis type: " + e.getMessage(), e);
  }

  /** @return whether an {@link InterruptedException} is among the throwable's causes */
  static boolean interruptedWithin(Throwable t) {
    Throwable c = t;
    for (int depth = 0; c != null && depth < 16; depth++, c = c.getCause()) {
      if (c instanceof InterruptedException) {
        return true;
      }
    }
    return false;
  }
}
