package io.memolock.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.executors.CommandExecutor;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A view of a client whose commands go through {@link CommandPipeline}s: one for a standalone
 * client, one per primary for a cluster client, each under that node's permits (see {@link
 * SharedClient#permits(HostAndPort)}), so that concurrent commands share round trips. The protocol
 * and the storages run on it unchanged (a storage's read or a script is one command like any
 * other). Keyless commands, and commands whose slot has no known owner, go to the client as they
 * are. Closing it does nothing (the client is the user's). Thread-safe.
 *
 * <p>On a cluster, commands are grouped by the slot owners this view last loaded ({@link
 * ClusterSlots}, reloaded at most every {@value #RELOAD_EVERY_MS} ms when a command met a
 * redirection); a batch goes to the node of its first command's slot (the client's own slot map),
 * and a command that finds its slot elsewhere is redirected and sent again by the client.
 */
final class PipelinedJedis extends UnifiedJedis {
  static final long RELOAD_EVERY_MS = 100;
  private static final System.Logger LOG = System.getLogger("io.memolock");

  private final LongAdder pipelined;
  private final Routes routes;

  private PipelinedJedis(Routes routes, @Nullable RedisProtocol protocol, LongAdder n) {
    super(routes, null, protocol, null);
    this.pipelined = n;
    this.routes = routes;
  }

  /** The executor of this view: which pipeline a command goes through. */
  private interface Routes extends CommandExecutor {
    /** @return the command's pipeline, or null when it goes to the client as it is */
    @Nullable CommandPipeline pipelineFor(CommandObject<?> command);

    @Override
    void close();
  }

  /**
   * Runs a script without blocking the calling thread (see {@link CommandPipeline#executeLater}),
   * with {@code EVAL} when the server does not know it ({@code NOSCRIPT}).
   *
   * @return its reply's future, or null when the command has no pipeline here (a cluster slot
   *     without a known owner): the caller runs it the blocking way
   */
  @Nullable CompletableFuture<Object> scriptLater(
      byte[] sha, byte[] text, List<byte[]> keys, List<byte[]> args) {
    CommandObject<Object> evalsha = commandObjects.evalsha(sha, keys, args);
    CommandPipeline pipeline = routes.pipelineFor(evalsha);
    if (pipeline == null) {
      return null;
    }
    return pipeline
        .executeLater(evalsha)
        .exceptionallyCompose(
            e ->
                (e instanceof CompletionException ? e.getCause() : e)
                        instanceof JedisNoScriptException
                    ? pipeline.executeLater(commandObjects.eval(text, keys, args))
                    : CompletableFuture.failedFuture(e));
  }

  /** @return commands that shared a round trip so far */
  long pipelinedCommands() {
    return pipelined.sum();
  }

  /**
   * @return the view, or null when the client's protocol cannot be learnt now (Redis is
   *     unreachable: its commands then go to the client as they are, never with reply builders of
   *     the wrong protocol)
   */
  static @Nullable PipelinedJedis over(
      UnifiedJedis redis, SharedClient shared, Function<Runnable, Thread> threads) {
    LongAdder n = new LongAdder();
    try {
      if (redis instanceof RedisClient client) {
        RedisProtocol protocol;
        try (Connection c = client.getPool().getResource()) {
          protocol = c.getRedisProtocol();
        }
        CommandPipeline one =
            new CommandPipeline(
                redis,
                shared.permits,
                batch -> client.getPool().getResource(),
                () -> {},
                n,
                threads);
        return new PipelinedJedis(new Standalone(one), protocol, n);
      }
      if (redis instanceof RedisClusterClient cluster) {
        RedisProtocol protocol = null;
        for (var pool : cluster.getClusterNodes().values()) {
          try (Connection c = pool.getResource()) {
            protocol = c.getRedisProtocol();
            return new PipelinedJedis(new PerNode(cluster, shared, n, threads), protocol, n);
          } catch (JedisException e) {
            // a node that is down: ask the next
            LOG.log(System.Logger.Level.DEBUG, "cluster node unreachable, asking the next", e);
          }
        }
      }
    } catch (JedisException e) {
      LOG.log(
          System.Logger.Level.INFO,
          "Redis unreachable when the first MemoLock was built: commands are not pipelined", e);
      return null;
    }
    LOG.log(
        System.Logger.Level.INFO,
        "no cluster node reachable when the first MemoLock was built: commands are not pipelined");
    return null;
  }

  @Override
  public void close() {
    // the client is the user's
  }

  /** A standalone client: one pipeline. */
  private record Standalone(CommandPipeline pipeline) implements Routes {
    @Override
    public <T> T executeCommand(CommandObject<T> command) {
      return pipeline.execute(command);
    }

    @Override
    public CommandPipeline pipelineFor(CommandObject<?> command) {
      return pipeline;
    }

    @Override
    public void close() {}
  }

  /** A cluster client: one pipeline per primary, by the slot of a command's first key. */
  private static final class PerNode implements Routes {
    private final RedisClusterClient cluster;
    private final SharedClient shared;
    private final LongAdder pipelined;
    private final Function<Runnable, Thread> threads;
    private final ClusterSlots slots;
    private final ConcurrentHashMap<HostAndPort, CommandPipeline> pipelines =
        new ConcurrentHashMap<>();
    private final AtomicLong lastReload = new AtomicLong(System.nanoTime());

    PerNode(
        RedisClusterClient cluster,
        SharedClient shared,
        LongAdder pipelined,
        Function<Runnable, Thread> threads) {
      this.cluster = cluster;
      this.shared = shared;
      this.pipelined = pipelined;
      this.threads = threads;
      this.slots = java.util.Objects.requireNonNull(shared.slots);
    }

    @Override
    public <T> T executeCommand(CommandObject<T> command) {
      CommandPipeline pipeline = pipelineFor(command);
      return pipeline == null ? cluster.executeCommand(command) : pipeline.execute(command);
    }

    @Override
    public @Nullable CommandPipeline pipelineFor(CommandObject<?> command) {
      int slot = slot(command);
      HostAndPort owner;
      try {
        owner = slot < 0 ? null : slots.owner(slot);
      } catch (JedisException e) {
        owner = null; // no node answers: the client reports the outage
      }
      return owner == null ? null : pipelines.computeIfAbsent(owner, this::pipeline);
    }

    private CommandPipeline pipeline(HostAndPort node) {
      return new CommandPipeline(
          cluster,
          shared.permits(node),
          batch -> cluster.getConnectionFromSlot(slot(batch.get(0).command)),
          this::reload,
          pipelined,
          threads);
    }

    /** Reloads the slot map after a redirection, at most every RELOAD_EVERY_MS. */
    private void reload() {
      long last = lastReload.get();
      long now = System.nanoTime();
      if (now - last < RELOAD_EVERY_MS * 1_000_000 || !lastReload.compareAndSet(last, now)) {
        return;
      }
      try {
        slots.load();
      } catch (JedisException e) {
        // the map stays as it was; redirected commands still reach their node through the client
        LOG.log(System.Logger.Level.DEBUG, "cannot reload the slot map after a redirection", e);
      }
    }

    @Override
    public void close() {}
  }

  /** @return the hash slot of the command's first key, or -1 for a keyless command */
  static int slot(CommandObject<?> command) {
    List<Object> keys = command.getArguments().getKeys();
    if (keys.isEmpty()) {
      return -1;
    }
    Object key = keys.get(0);
    if (key instanceof byte[] bytes) {
      return JedisClusterCRC16.getSlot(bytes);
    }
    if (key instanceof redis.clients.jedis.args.Rawable raw) {
      return JedisClusterCRC16.getSlot(raw.getRaw());
    }
    return JedisClusterCRC16.getSlot(String.valueOf(key).getBytes(StandardCharsets.UTF_8));
  }
}
