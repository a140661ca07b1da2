package io.memolock.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * A {@code redis-server} process this JVM runs: on a free port of {@code 127.0.0.1}, never saving
 * to disk ({@code save ""}, {@code appendonly no}), in a temporary directory that holds its log. It
 * answers {@code PING} before {@link #start(Path)} returns it; a server that does not answer within
 * 10 seconds fails the start with an exception that includes its log. {@link #stop()} kills it
 * with its process tree (as a shutdown hook does at JVM exit at the latest) and {@link #restart()}
 * starts it again on the same port. {@link TestRedis} runs its servers with it, and so can a demo
 * or a benchmark that wants a Redis of its own.
 *
 * <p><b>Thread safety:</b> thread-safe. {@link #host()}, {@link #port()}, {@link #uri()} and
 * {@link #binary()} never change; {@link #restart()}, {@link #stop()} and {@link #pid()} are
 * serialized per instance by a {@link ReentrantLock} (not a monitor: a virtual thread that waits
 * for a start does not pin its carrier).
 */
public final class RedisServerProcess implements AutoCloseable {
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final int START_ATTEMPTS = 3;
  private static final int LOG_TAIL_CHARS = 8_000;
  private static final String LOOPBACK = "127.0.0.1";
  static final String PORT_IN_USE = "already in use";

  private final Path binary;
  private final int port;
  private final Path workDir;
  private final List<String> extraConfig;
  private final ReentrantLock lock = new ReentrantLock();
  private Process process; // guarded by lock; null while stopped

  private RedisServerProcess(Path binary, int port, Path workDir, List<String> extraConfig) {
    this.binary = binary;
    this.port = port;
    this.workDir = workDir;
    this.extraConfig = List.copyOf(extraConfig);
  }

  /**
   * The {@code redis-server} binary on {@code PATH}.
   *
   * @return the binary, or empty if there is none
   */
  public static Optional<Path> binaryOnPath() {
    return RedisBinaries.findOnPath("redis-server");
  }

  /**
   * The Linux or macOS {@code redis-server} bundled in the embedded-redis jar, extracted once per
   * JVM to a temporary file (deleted at exit).
   *
   * @return the executable binary
   * @throws IllegalStateException if the jar is not on the class path or has no binary for this
   *     OS and CPU
   * @throws UncheckedIOException if it cannot be extracted
   */
  public static Path embeddedBinary() {
    return RedisBinaries.embedded();
  }

  /**
   * Whether something at {@code host:port} answers {@code PING} with {@code +PONG} within a second.
   *
   * @param host the host
   * @param port the port
   * @return whether a Redis answers there
   */
  public static boolean answersPing(String host, int port) {
    return RedisPing.answers(host, port);
  }

  /**
   * Starts {@code binary} on a free loopback port and waits until it answers {@code PING}; a port
   * taken meanwhile by someone else is retried with another one, twice.
   *
   * @param binary a {@code redis-server} executable
   * @return the running server
   * @throws IllegalStateException if it does not start or answer in time (the message has its log)
   * @throws UncheckedIOException if its directory or port cannot be prepared
   */
  public static RedisServerProcess start(Path binary) {
    return start(binary, List.of());
  }

  /**
   * As {@link #start(Path)}, with more lines of configuration after the testkit's own (for
   * example {@code cluster-enabled yes}); they apply to every {@link #restart()} too.
   *
   * @param binary a {@code redis-server} executable
   * @param extraConfig configuration lines, one directive each
   * @return the running server
   * @throws IllegalStateException if it does not start or answer in time (the message has its log)
   * @throws UncheckedIOException if its directory or port cannot be prepared
   */
  public static RedisServerProcess start(Path binary, List<String> extraConfig) {
    List<String> lines = List.copyOf(extraConfig);
    return start(binary, () -> lines);
  }

  /**
   * As {@link #start(Path, List)}, with the extra configuration made again for every attempt: a
   * line that names a port of its own (a cluster node's {@code cluster-port}) gets a fresh one when
   * the attempt before failed because a port was taken.
   *
   * @param binary a {@code redis-server} executable
   * @param extraConfig makes the configuration lines, one directive each, once per attempt
   * @return the running server
   * @throws IllegalStateException if it does not start or answer in time (the message has its log)
   * @throws UncheckedIOException if its directory or port cannot be prepared
   */
  public static RedisServerProcess start(Path binary, ConfigLines extraConfig) {
    RuntimeException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      RedisServerProcess server;
      try {
        server = new RedisServerProcess(
                binary, freePort(), Files.createTempDirectory("memolock-redis-"), extraConfig.make());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare a redis-server run", e);
      }
      AtExit.register("stopping " + server, server::stop);
      try {
        server.lock.lock();
        try {
          server.startProcess();
        } finally {
          server.lock.unlock();
        }
        return server;
      } catch (RuntimeException e) {
        server.stop();
        if (last != null) {
          e.addSuppressed(last);
        }
        last = e;
        if (!String.valueOf(e.getMessage()).contains(PORT_IN_USE)) {
          break; // another port will not help
        }
      }
    }
    throw last;
  }

  /** Makes a server's extra configuration lines; may choose free ports, hence the exception. */
  @FunctionalInterface
  public interface ConfigLines {
    /**
     * @return configuration lines, one directive each
     * @throws IOException if a port or file it needs cannot be prepared
     */
    List<String> make() throws IOException;
  }

  /** @return the host it listens on, {@code 127.0.0.1} */
  public String host() {
    return LOOPBACK;
  }

  /** @return the port it listens on, the same across {@link #restart()} */
  public int port() {
    return port;
  }

  /** @return {@code redis://127.0.0.1:PORT} */
  public URI uri() {
    return URI.create("redis://" + LOOPBACK + ":" + port);
  }

  /** @return the binary it runs */
  public Path binary() {
    return binary;
  }

  /**
   * @return the process id of the running server
   * @throws IllegalStateException if it is stopped
   */
  public long pid() {
    lock.lock();
    try {
      if (process == null) {
        throw new IllegalStateException("no redis-server process of this JVM on port " + port);
      }
      return process.pid();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Kills the process (with its tree) and starts a new one on the same port, then waits until it
   * answers {@code PING}; it also brings back a stopped server. Data is lost, as nothing is saved.
   *
   * @throws IllegalStateException if the new process does not answer in time
   */
  public void restart() {
    lock.lock();
    try {
      killProcess();
      long deadline = System.nanoTime() + RedisPing.START_TIMEOUT.toNanos();
      while (true) {
        try {
          startProcess();
          return;
        } catch (IllegalStateException e) {
          // The old socket may linger for a moment: try the same port again.
          if (!String.valueOf(e.getMessage()).contains(PORT_IN_USE) || System.nanoTime() > deadline) {
            throw e;
          }
          RedisPing.sleep(100);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Kills the process with its tree and deletes its directory; {@link #restart()} brings it back. Idempotent. */
  public void stop() {
    lock.lock();
    try {
      killProcess();
      deleteRecursively(workDir);
    } finally {
      lock.unlock();
    }
  }

  /** As {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  /**
   * Sends a signal with {@code kill -NAME PID}, such as {@code STOP} or {@code CONT}.
   *
   * @throws IllegalStateException if it is stopped, or the signal fails
   */
  void signal(String name) {
    lock.lock();
    try {
      if (process == null) {
        throw new IllegalStateException("no redis-server process of this JVM to send SIG" + name);
      }
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
          .redirectErrorStream(true)
          .start();
      String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!kill.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: " + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kill -" + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIG" + name, e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "redis-server " + binary + " on port " + port;
  }

  /** Must hold the lock. Starts the process on {@link #port} and waits for PING; on failure none is left running. */
  private void startProcess() {
    Process started;
    try {
      Files.createDirectories(workDir);
      Path conf = workDir.resolve("redis.conf");
      Files.writeString(conf, config(), StandardCharsets.UTF_8);
      started =
          new ProcessBuilder(binary.toString(), conf.toString())
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + binary + " on port " + port, e);
    }
    try {
      started.getOutputStream().close(); // redis-server reads no input
    } catch (IOException e) {
      killTree(started);
      throw new IllegalStateException("cannot close the standard input of " + binary, e);
    }
    try {
      RedisPing.awaitPing(LOOPBACK, port, started, this::logTail);
    } catch (RuntimeException e) {
      killTree(started);
      throw e;
    }
    process = started;
  }

  private String config() {
    List<String> lines = new java.util.ArrayList<>(List.of(
        "bind " + LOOPBACK,
        "port " + port,
        "save \"\"",
        "appendonly no",
        "daemonize no",
        "logfile \"\"",
        "dir " + quote(workDir.toString())));
    lines.addAll(extraConfig);
    lines.add("");
    return String.join("\n", lines);
  }

  /** Must hold the lock. */
  private void killProcess() {
    if (process != null) {
      killTree(process);
      process = null;
    }
  }

  private static void killTree(Process p) {
    List<ProcessHandle> descendants = p.descendants().toList();
    p.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
    try {
      if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        System.err.println(AtExit.LOG_PREFIX + "redis-server pid " + p.pid() + " did not exit after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // killed already; the caller sees the flag
    }
  }

  private Path logFile() {
    return workDir.resolve("redis.log");
  }

  private String logTail() {
    try {
      String log = Files.readString(logFile(), StandardCharsets.UTF_8);
      return log.length() <= LOG_TAIL_CHARS ? log : "..." + log.substring(log.length() - LOG_TAIL_CHARS);
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e + ")";
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    }
  }

  /** Deletes a temporary directory, best effort: what cannot be deleted is reported on standard error. */
  static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      System.err.println(AtExit.LOG_PREFIX + "could not delete " + root + ": " + e);
    }
  }

  private static String quote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
