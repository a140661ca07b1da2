package io.memolock.examples;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds a Redis for the demo, or starts one: a {@code redis-server} from {@code PATH} on a free
 * loopback port, stopped when the demo exits. Thread-safe.
 */
final class LocalRedis implements AutoCloseable {
  private final URI uri;
  private final Process process;
  private final Path dir;

  private LocalRedis(URI uri, Process process, Path dir) {
    this.uri = uri;
    this.process = process;
    this.dir = dir;
  }

  /** @return the started server's URI */
  URI uri() {
    return uri;
  }

  /** @return the started server's process id */
  long pid() {
    return process.pid();
  }

  /**
   * @param host Redis host
   * @param port Redis port
   * @return whether something there answers {@code PING} with {@code +PONG} within a second
   */
  static boolean answers(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 1_000);
      socket.setSoTimeout(1_000);
      OutputStream out = socket.getOutputStream();
      out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[5];
      int n = 0;
      while (n < reply.length) {
        int r = in.read(reply, n, reply.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      return new String(reply, 0, n, StandardCharsets.US_ASCII).equals("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  /** @return the {@code redis-server} binary on {@code PATH}, if any */
  static Optional<Path> findServerBinary() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      try {
        Path candidate = Path.of(dir, "redis-server");
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate.toAbsolutePath());
        }
      } catch (InvalidPathException e) {
        // skip a malformed PATH entry
      }
    }
    return Optional.empty();
  }

  /**
   * Starts {@code binary} on a free loopback port, without persistence, and waits until it answers
   * {@code PING}. A shutdown hook stops it.
   *
   * @param binary the redis-server binary
   * @return the running server
   * @throws IOException if it cannot be started or does not answer within 10 s
   */
  static LocalRedis start(Path binary) throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path dir = Files.createTempDirectory("memolock-demo-redis-");
    Path log = dir.resolve("redis.log");
    Process process =
        new ProcessBuilder(
                List.of(
                    binary.toString(),
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                    "--dir",
                    dir.toString()))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    process.getOutputStream().close();
    LocalRedis redis = new LocalRedis(URI.create("redis://127.0.0.1:" + port), process, dir);
    Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "memolock-demo-redis-stop"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!answers("127.0.0.1", port)) {
      if (!process.isAlive() || System.nanoTime() - deadline > 0) {
        redis.close();
        String text = Files.exists(log) ? Files.readString(log) : "(no log)";
        throw new IOException(
            binary + " did not answer PING on port " + port + " within 10 s; its log:\n" + text);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        redis.close();
        throw new IOException("interrupted while starting redis-server", e);
      }
    }
    return redis;
  }

  /** Stops the server and deletes its directory. Idempotent. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException e) {
      // best effort: a temporary directory
    }
  }
}
