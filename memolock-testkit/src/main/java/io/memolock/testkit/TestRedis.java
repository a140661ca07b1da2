package io.memolock.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import redis.clients.jedis.RedisClient;

/**
 * A real Redis server for tests.
 *
 * <p>{@link #shared()} gives one Redis per test JVM, found in this order:
 *
 * <ol>
 *   <li>the environment variable {@value #ENV_URI} (for example {@code redis://127.0.0.1:6379}): that server is used
 *       as it is and is not owned (source {@code "uri"});
 *   <li>a {@code redis-server} binary on {@code PATH}, started on a free loopback port (source {@code "path"});
 *   <li>Testcontainers with image {@code redis:7}, when a Docker engine is reachable (source {@code
 *       "testcontainers"}); a missing Docker engine, or a missing Testcontainers, only skips this step;
 *   <li>the Linux or macOS {@code redis-server} binary bundled in the embedded-redis jar, extracted to a temporary
 *       file and started like a binary on {@code PATH} (source {@code "embedded"}).
 * </ol>
 *
 * <p>It prints one line to standard error telling which source it used. {@link #startPrivate()} always starts a new
 * {@code redis-server} process of its own, for tests that restart, stop or otherwise disturb Redis.
 *
 * <p>A server this JVM started is a {@link RedisServerProcess}: it listens on {@code 127.0.0.1} only, never saves to
 * disk ({@code save ""}, {@code appendonly no}), and runs in a temporary directory that holds its log. It is answering
 * {@code PING} before any method here returns it; a server that does not answer within 10 seconds fails the start
 * with an exception that includes its log. Every process or container this JVM started is stopped, with its process
 * tree, by a shutdown hook.
 *
 * <p><b>Thread safety:</b> this class is thread-safe. {@link #shared()} and {@link #startPrivate()} may be called from
 * any thread; {@link #host()}, {@link #port()}, {@link #uri()}, {@link #source()}, {@link #owned()} and {@link
 * #serverBinary()} never change; {@link #restart()} and {@link #stop()} are serialized per instance. Tests that share
 * {@link #shared()} should not stop or restart it, and should bear in mind that {@link #flushAll()} empties it for
 * every test running at the same time.
 */
public final class TestRedis {

  /** The environment variable that names an existing Redis to use for {@link #shared()}, as a {@code redis://} URI. */
  public static final String ENV_URI = "MEMOLOCK_TEST_REDIS_URI";

  static final String SOURCE_URI = "uri";
  static final String SOURCE_PATH = "path";
  static final String SOURCE_TESTCONTAINERS = "testcontainers";
  static final String SOURCE_EMBEDDED = "embedded";

  static final int START_TIMEOUT_SECONDS = RedisPing.START_TIMEOUT_SECONDS;

  private static final ReentrantLock SHARED_LOCK = new ReentrantLock();
  private static TestRedis shared; // guarded by SHARED_LOCK
  private static RuntimeException sharedFailure; // guarded by SHARED_LOCK

  /** Guards stop() of a container; a ReentrantLock, not a monitor (no pinning). */
  private final ReentrantLock stateLock = new ReentrantLock();

  private final String host;
  private final int port;
  private final String source;
  private final RedisServerProcess server; // null unless this JVM runs the process
  private final AutoCloseable container; // null unless a container

  private boolean containerStopped; // guarded by stateLock

  TestRedis(String host, int port, String source, RedisServerProcess server, AutoCloseable container) {
    this.host = host;
    this.port = port;
    this.source = source;
    this.server = server;
    this.container = container;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Factories
  // ---------------------------------------------------------------------------------------------------------------

  /**
   * The Redis shared by all tests of this JVM, found and started on first use as the class comment describes.
   *
   * @return the same instance on every call
   * @throws IllegalStateException if no source gives a Redis that answers {@code PING} (later calls throw again,
   *     without trying again)
   */
  public static TestRedis shared() {
    SHARED_LOCK.lock();
    try {
      if (shared != null) {
        return shared;
      }
      if (sharedFailure != null) {
        throw new IllegalStateException("TestRedis.shared() already failed in this JVM", sharedFailure);
      }
      try {
        shared = RedisSources.discover();
      } catch (RuntimeException e) {
        sharedFailure = e;
        throw e;
      }
      System.err.println(AtExit.LOG_PREFIX + "TestRedis.shared() uses " + shared.describe());
      return shared;
    } finally {
      SHARED_LOCK.unlock();
    }
  }

  /**
   * Starts a new {@code redis-server} process owned by the caller, on a free loopback port: the binary on {@code
   * PATH} if there is one, else the one bundled in the embedded-redis jar. The caller may {@link #restart()} and
   * {@link #stop()} it; it is stopped at JVM exit at the latest.
   *
   * @return a running server that answers {@code PING}
   * @throws IllegalStateException if it cannot be started
   */
  public static TestRedis startPrivate() {
    Optional<Path> onPath = RedisServerProcess.binaryOnPath();
    if (onPath.isPresent()) {
      return startOwned(onPath.get(), SOURCE_PATH);
    }
    return startEmbedded();
  }

  /**
   * Starts the {@code redis-server} bundled in the embedded-redis jar, whatever is on {@code PATH}: the oldest Redis
   * a binary is to be had for from Maven Central (6.2 on Linux and macOS), for tests of the oldest supported
   * version. Extracted once per JVM; owned by the caller like {@link #startPrivate()}.
   *
   * @return a running server that answers {@code PING}
   * @throws IllegalStateException if embedded-redis bundles no binary for this OS and CPU, or it does not start
   */
  public static TestRedis startEmbedded() {
    return startOwned(RedisServerProcess.embeddedBinary(), SOURCE_EMBEDDED);
  }

  static TestRedis startOwned(Path binary, String source) {
    RedisServerProcess server = RedisServerProcess.start(binary);
    return new TestRedis(server.host(), server.port(), source, server, null);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Instance API
  // ---------------------------------------------------------------------------------------------------------------

  /**
   * The host to connect to, such as {@code 127.0.0.1}.
   *
   * @return the host name or address
   */
  public String host() {
    return host;
  }

  /**
   * The port to connect to; it stays the same across {@link #restart()}.
   *
   * @return the TCP port
   */
  public int port() {
    return port;
  }

  /**
   * This server as {@code redis://HOST:PORT}.
   *
   * @return the URI
   */
  public URI uri() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return URI.create("redis://" + h + ":" + port);
  }

  /**
   * A new client with the Jedis defaults ({@code RedisClient.create(host(), port())}); the caller closes it.
   *
   * @return a new client
   */
  public RedisClient newClient() {
    return RedisClient.create(host, port);
  }

  /** Deletes every key of every database ({@code FLUSHALL}). */
  public void flushAll() {
    try {
      String reply = RedisPing.command(host, port, "FLUSHALL");
      if (!reply.equals("+OK")) {
        throw new IllegalStateException("FLUSHALL on " + uri() + " answered " + reply);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("FLUSHALL on " + uri() + " failed", e);
    }
  }

  /**
   * Kills the {@code redis-server} process (with its process tree) and starts a new one on the same port, then waits
   * until it answers {@code PING}. Data is lost, as nothing is saved. It also brings back a server that {@link #stop()}
   * stopped.
   *
   * @throws IllegalStateException if this JVM does not run the process ({@link #owned()} is false), or if the new
   *     process does not answer in time
   */
  public void restart() {
    if (!owned()) {
      throw new IllegalStateException(
          "restart() needs a redis-server started by this JVM, but this Redis comes from source '"
              + source
              + "'; use TestRedis.startPrivate()");
    }
    server.restart();
  }

  /**
   * Stops the server if this JVM started it: kills the process tree and deletes its directory, or stops the
   * container. Does nothing for a server given by {@value #ENV_URI}. Calling it again does nothing.
   */
  public void stop() {
    if (server != null) {
      server.stop();
    }
    if (container == null) {
      return;
    }
    stateLock.lock();
    try {
      if (!containerStopped) {
        containerStopped = true;
        try {
          container.close();
        } catch (Exception e) {
          System.err.println(AtExit.LOG_PREFIX + "stopping the Redis container failed: " + e);
        }
      }
    } finally {
      stateLock.unlock();
    }
  }

  /**
   * Stalls the server with {@code SIGSTOP}: it keeps its connections open but answers nothing, as a
   * server stuck in a long command, swapping or paused by a hypervisor does. {@link #resume()} (or
   * {@link #restart()}, {@link #stop()}) brings it back.
   *
   * @throws IllegalStateException if this JVM does not run the process, or the signal fails
   */
  public void pause() {
    signal("STOP");
  }

  /**
   * Lets a server stalled by {@link #pause()} go on ({@code SIGCONT}).
   *
   * @throws IllegalStateException if this JVM does not run the process, or the signal fails
   */
  public void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    if (server == null) {
      throw new IllegalStateException("no redis-server process of this JVM to send SIG" + name);
    }
    server.signal(name);
  }

  /**
   * Whether this JVM runs the {@code redis-server} process itself, so that {@link #restart()} works. False for a
   * server given by {@value #ENV_URI} and for a Testcontainers container (which is still stopped at JVM exit).
   *
   * @return whether this JVM runs the process
   */
  public boolean owned() {
    return server != null;
  }

  /**
   * Where this Redis comes from: {@code "uri"}, {@code "path"}, {@code "testcontainers"} or {@code "embedded"}.
   *
   * @return the source
   */
  public String source() {
    return source;
  }

  /**
   * The {@code redis-server} binary this JVM runs for it.
   *
   * @return the binary, or {@code null} for a server given by URI or run in a container
   */
  public Path serverBinary() {
    return server == null ? null : server.binary();
  }

  /**
   * A {@code redis-cli} binary on {@code PATH}, if any.
   *
   * @return the binary, or empty
   */
  public Optional<Path> cliBinary() {
    return RedisBinaries.findOnPath("redis-cli");
  }

  /**
   * Runs one command against this Redis from a separate process: {@code redis-cli} when it is on
   * {@code PATH}, else a child JVM running {@link ExternalClient}. Either way a foreign writer
   * that shares nothing with this JVM but the server.
   *
   * @param command the command and its arguments, e.g. {@code "SET", "k", "v"}
   * @return what the process printed
   * @throws IllegalStateException if the process fails or runs longer than 30 s
   */
  public String externalCommand(String... command) {
    return externalCommand(cliBinary(), command);
  }

  /** As {@link #externalCommand(String...)}, with the child JVM when {@code cli} is empty. */
  String externalCommand(Optional<Path> cli, String... command) {
    return ExternalClient.run(host, port, cli, command);
  }

  @Override
  public String toString() {
    return "TestRedis[" + source + " " + uri() + "]";
  }

  private String describe() {
    return switch (source) {
      case SOURCE_URI -> ENV_URI + " " + uri();
      case SOURCE_PATH -> "redis-server on PATH (" + serverBinary() + ") at " + uri();
      case SOURCE_TESTCONTAINERS -> "Testcontainers " + ContainerRedis.IMAGE + " at " + uri();
      case SOURCE_EMBEDDED -> "the embedded-redis binary (" + serverBinary() + ") at " + uri();
      default -> source + " " + uri();
    };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // For the testkit's own tests
  // ---------------------------------------------------------------------------------------------------------------

  /** As {@link RedisPing#command}. */
  static String command(String host, int port, String name) throws IOException {
    return RedisPing.command(host, port, name);
  }

  /** As {@link RedisBinaries#findOnPath}. */
  static Optional<Path> findOnPath(String name) {
    return RedisBinaries.findOnPath(name);
  }

  /** As {@link RedisBinaries#embeddedResourceName}. */
  static String embeddedResourceName(String osName, String osArch) {
    return RedisBinaries.embeddedResourceName(osName, osArch);
  }
}
