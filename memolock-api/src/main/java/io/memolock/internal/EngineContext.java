package io.memolock.internal;

import io.memolock.CodecException;
import io.memolock.MemoLockException;
import io.memolock.spi.Storage;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;

/**
 * What the parts of one MemoLock share: its settings, storage, protocol, command executor,
 * counters, lease renewer, read batcher and the registry of flights. Made once by {@link Engine};
 * every field is final except {@link #closed}. Thread-safe.
 *
 * @param <V> the value type
 */
final class EngineContext<V> {
  final UnifiedJedis redis;
  final Settings settings;
  final String tag;
  final Storage<V> storage;
  final SharedClient shared;
  final Commands commands;
  final Protocol protocol;
  final Counters counters = new Counters();
  final Renewer renewer;
  final @Nullable Batcher<V> batcher;
  /** The client's command pipelines when this MemoLock batches (see {@link PipelinedJedis}). */
  final @Nullable PipelinedJedis pipelined;
  /** Where reads without an {@code MGET} batcher go: {@link #pipelined}, or null for the client. */
  private final @Nullable UnifiedJedis pipelinedReads;
  /** Wakes parked flights at their lock's expiry or their callers' deadline. */
  final Wakeups wakeups;
  /** Flights in progress, one per id; a flight removes itself when it completes. */
  final ConcurrentHashMap<String, Flight<V>> flights = new ConcurrentHashMap<>();
  /** Early recomputations in progress (see {@link Engine#refresh}); not in {@link #flights}. */
  final Set<Flight<V>> refreshes = ConcurrentHashMap.newKeySet();
  volatile boolean closed;

  EngineContext(
      UnifiedJedis redis,
      Storage<V> storage,
      Settings settings,
      SharedClient shared,
      Protocol protocol,
      boolean batchReads,
      @Nullable PipelinedJedis pipelined) {
    this.redis = redis;
    this.settings = settings;
    this.tag = settings.tag();
    this.storage = storage;
    this.shared = shared;
    this.protocol = protocol;
    this.commands =
        new Commands(
            redis,
            shared,
            tag,
            settings.keyScheme(),
            storage.redisType(),
            storage.getClass().getSimpleName(),
            pipelined != null);
    this.renewer = new Renewer(settings, counters.incidents, () -> closed);
    this.wakeups = new Wakeups("memolock-wakeups-" + tag);
    this.batcher =
        batchReads
            ? new Batcher<>(
                redis, storage, commands, tag, shared.permits, settings.threadFactory()::newThread)
            : null;
    this.pipelined = pipelined;
    this.pipelinedReads = batcher == null ? pipelined : null;
    ChannelPatterns.prefixesOf(settings.keyScheme(), tag).forEach(shared.channels::coverByPattern);
  }

  ResourceKeys keys(String id) {
    return new ResourceKeys(settings.keyScheme(), tag, id);
  }

  /** Reads a value; concurrent reads may share one round trip (see {@link Batcher}). */
  @Nullable V read(ResourceKeys keys) {
    return batcher != null ? batcher.read(keys) : readDirect(keys);
  }

  /**
   * Reads a value with a command of its own, so that a wrong type is reported as such: pipelined
   * with others' commands where no {@code MGET} batcher reads (a cluster; a storage that does not
   * read in batches), which keeps every error the caller's own.
   */
  @Nullable V readDirect(ResourceKeys keys) {
    UnifiedJedis r = pipelinedReads;
    return r != null
        ? commands.protocol(keys.id, () -> Commands.decoding(() -> storage.read(r, keys.value)))
        : commands.call(keys.id, () -> Commands.decoding(() -> storage.read(redis, keys.value)));
  }

  Storage.Write encode(String id, V value) {
    try {
      return storage.encode(value);
    } catch (CodecException e) {
      throw new CodecException(tag, id, "cannot encode the value: " + e.getMessage(), e);
    } catch (RuntimeException | StackOverflowError e) {
      throw new CodecException(tag, id, "cannot encode the value: " + e, e);
    }
  }

  /**
   * What callers see of any throwable: a MemoLockException as it is, anything else (a bug in a
   * storage, a codec or a trigger, an Error) wrapped in one that names the resource.
   */
  MemoLockException failure(String id, Throwable t) {
    return t instanceof MemoLockException m
        ? m
        : new MemoLockException(tag, id, "unexpected failure: " + t, t);
  }

  Thread newThread(Runnable body) {
    return settings.threadFactory().newThread(body);
  }
}
