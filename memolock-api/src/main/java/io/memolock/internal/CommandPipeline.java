package io.memolock.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Pipelines the commands of concurrent callers on one connection: the scripts of the miss path
 * (acquire, store, release...) of different ids on a standalone Redis, and on a cluster every
 * command of one node (its first reads included, which cannot share an {@code MGET} there: a
 * cluster refuses one across slots). The queue and its drivers are {@link BatchDriver}'s: a lone
 * command goes out at once, as a plain command of the client; commands that arrive while two
 * batches are in flight go out together in the next one, written at once and their replies read
 * in order ({@code Connection.getMany}).
 *
 * <p>Errors stay per caller. Each command has its own reply: an error reply (a {@code WRONGTYPE}, a
 * {@code NOSCRIPT}, a script's error) is thrown on its caller's thread, from its own command, as
 * the client would throw it. A redirection or a cluster state error ({@code MOVED}, {@code ASK},
 * {@code TRYAGAIN}, {@code CLUSTERDOWN}), and any failure of a batch as a whole (a dead connection,
 * the driver's interrupt), sends each command again as a plain command of the client, on its
 * caller's thread under a permit, so that the client's own redirections and retries apply and each
 * caller gets the answer about its own command (the client's retry of a command on a dead
 * connection is {@link Commands}'). A caller interrupted while queued gets a {@link
 * JedisConnectionException} with its interrupt flag set, which {@link Commands} reports as an
 * interrupt. Thread-safe.
 */
final class CommandPipeline extends BatchDriver<CommandPipeline.Queued> {
  static final int MAX_BATCH = 64;
  private static final System.Logger LOG = System.getLogger("io.memolock");

  /** Completes a queued command that its caller must send as a plain command. */
  private static final Object SEND_ALONE = new Object();

  /** A command waiting in the queue; completes with its raw reply, or a {@link Built} one. */
  static final class Queued extends BatchDriver.Request<@Nullable Object> {
    final CommandObject<?> command;

    Queued(CommandObject<?> command) {
      this.command = command;
    }
  }

  /** The reply of a command sent as a plain command of the client, already built. */
  private record Built(@Nullable Object value) {}

  private final UnifiedJedis client;
  private final Semaphore permits;
  private final Function<List<Queued>, Connection> connections;
  private final Runnable redirected;
  final LongAdder pipelined;

  /**
   * @param client the client a lone command (or one sent again) goes through
   * @param permits taken once per batch, and by a command sent again
   * @param connections a connection for a batch (returned to its pool by {@code close})
   * @param redirected told when a command met a redirection (a cluster's slot map changed)
   * @param pipelined counts commands that shared a round trip
   */
  CommandPipeline(
      UnifiedJedis client,
      Semaphore permits,
      Function<List<Queued>, Connection> connections,
      Runnable redirected,
      LongAdder pipelined,
      Function<Runnable, Thread> threads) {
    super(MAX_BATCH, permits, threads);
    this.client = client;
    this.permits = permits;
    this.connections = connections;
    this.redirected = redirected;
    this.pipelined = pipelined;
  }

  /** Runs the command, in a pipeline with others' when they arrive together. */
  <T> T execute(CommandObject<T> command) {
    Queued queued = new Queued(command);
    Object reply;
    try {
      submit(queued);
      reply = queued.result.get();
    } catch (InterruptedException e) {
      queued.result.cancel(false); // a later batch skips it
      Thread.currentThread().interrupt();
      throw new JedisConnectionException("interrupted while a command waited in a pipeline", e);
    } catch (ExecutionException e) {
      // The driver's own command, sent as a plain command on its own thread: its own answer.
      throw e.getCause() instanceof RuntimeException r ? r : new JedisException(e.getCause());
    }
    if (reply == SEND_ALONE) {
      return alone(command);
    }
    if (reply instanceof Built built) {
      @SuppressWarnings("unchecked")
      T value = (T) built.value();
      return value;
    }
    if (reply instanceof JedisDataException error) {
      if (!redirection(error)) {
        throw error; // this command's own error reply
      }
      redirected.run();
      return alone(command);
    }
    return command.getBuilder().build(reply);
  }

  /**
   * Runs the command in a later batch, without blocking the calling thread (see {@link
   * #submitLater}). The future completes with its reply, or fails with its own error reply, or
   * with a {@link JedisConnectionException} when the command must be sent again as a plain command
   * (its batch failed, or a redirection): the caller then runs it the blocking way, for its own
   * answer.
   */
  <T> CompletableFuture<T> executeLater(CommandObject<T> command) {
    Queued queued = new Queued(command);
    CompletableFuture<T> reply = queued.result.thenApply(r -> built(command, r));
    submitLater(queued);
    return reply;
  }

  private <T> T built(CommandObject<T> command, @Nullable Object reply) {
    if (reply == SEND_ALONE) {
      throw new JedisConnectionException("the command is to be sent again as a plain command");
    }
    if (reply instanceof Built built) {
      @SuppressWarnings("unchecked")
      T value = (T) built.value();
      return value;
    }
    if (reply instanceof JedisDataException error) {
      if (redirection(error)) {
        redirected.run();
      }
      throw error;
    }
    return command.getBuilder().build(reply);
  }

  private static boolean redirection(JedisDataException error) {
    String m = String.valueOf(error.getMessage());
    return m.startsWith("MOVED")
        || m.startsWith("ASK")
        || m.startsWith("TRYAGAIN")
        || m.startsWith("CLUSTERDOWN");
  }

  /** A plain command of the client, under a permit. */
  private <T> T alone(CommandObject<T> command) {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JedisConnectionException("interrupted while waiting to send a command", e);
    }
    try {
      return client.executeCommand(command);
    } finally {
      permits.release();
    }
  }

  @Override
  void send(List<Queued> batch, @Nullable Queued own) {
    if (batch.size() == 1) {
      sendOne(batch.get(0), batch.get(0) == own);
      return;
    }
    List<Object> replies;
    try (Connection connection = connections.apply(batch)) {
      for (Queued q : batch) {
        connection.sendCommand(q.command.getArguments());
      }
      replies = connection.getMany(batch.size());
    } catch (Throwable e) {
      // Whatever went wrong (a dead connection, this driver's interrupt), each caller sends its
      // command again on its own thread and gets its own answer (a lasting outage is reported,
      // and counted, by those commands).
      LOG.log(System.Logger.Level.DEBUG, "a pipeline failed; its commands are sent again", e);
      for (Queued q : batch) {
        q.result.complete(SEND_ALONE);
      }
      return;
    }
    pipelined.add(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).result.complete(replies.get(i));
    }
  }

  /**
   * A batch of one is a plain command. Its failure is the caller's own answer when the command is
   * the driver's own; another caller's command that fails for want of a connection is sent again
   * by its caller, so that an interrupt of the driver's never reaches a caller it does not belong
   * to.
   */
  private void sendOne(Queued q, boolean own) {
    try {
      q.result.complete(new Built(client.executeCommand(q.command)));
    } catch (JedisConnectionException e) {
      if (own) {
        q.result.completeExceptionally(e);
      } else {
        q.result.complete(SEND_ALONE);
      }
    } catch (RuntimeException e) {
      q.result.completeExceptionally(e); // an error reply: the command's own
    }
  }
}
