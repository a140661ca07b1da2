package io.memolock.spring.example;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * When nothing answers {@code PING} at the configured Redis ({@code --spring.data.redis.host/port},
 * default 127.0.0.1:6379), starts a {@code redis-server} from {@code PATH} on a free loopback port
 * (no persistence), points {@code spring.data.redis.*} at it and stops it when the JVM exits.
 * Called once from {@code main}; not meant for concurrent use.
 */
final class LocalRedisServer {
  private static final System.Logger LOG = System.getLogger(LocalRedisServer.class.getName());

  private LocalRedisServer() {}

  static void startIfNoneAnswers(String[] args) {
    String host = argument(args, "spring.data.redis.host", "127.0.0.1");
    int port = Integer.parseInt(argument(args, "spring.data.redis.port", "6379"));
    if (answers(host, port)) {
      return;
    }
    Path binary = findOnPath("redis-server");
    if (binary == null) {
      LOG.log(System.Logger.Level.WARNING, "no Redis at {0}:{1} and no redis-server on PATH", host, port);
      return;
    }
    try {
      int free;
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        free = socket.getLocalPort();
      }
      Path dir = Files.createTempDirectory("memolock-spring-example-");
      Process process =
          new ProcessBuilder(binary.toString(), "--bind", "127.0.0.1", "--port", Integer.toString(free),
                  "--save", "", "--appendonly", "no", "--dir", dir.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("redis.log").toFile())
              .start();
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "stop-redis-server"));
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!answers("127.0.0.1", free)) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new IOException("redis-server did not answer; see " + dir.resolve("redis.log"));
        }
        Thread.sleep(50);
      }
      System.setProperty("spring.data.redis.host", "127.0.0.1");
      System.setProperty("spring.data.redis.port", Integer.toString(free));
      System.out.println("No Redis answered at " + host + ":" + port + "; started " + binary + " on 127.0.0.1:" + free
          + " (pid " + process.pid() + ")");
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "could not start redis-server: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String argument(String[] args, String name, String fallback) {
    return Arrays.stream(args)
        .filter(a -> a.startsWith("--" + name + "="))
        .map(a -> a.substring(name.length() + 3))
        .reduce((a, b) -> b)
        .orElse(System.getProperty(name, fallback));
  }

  static boolean answers(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 1_000);
      socket.setSoTimeout(1_000);
      OutputStream out = socket.getOutputStream();
      out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = in.readNBytes(5);
      return new String(reply, StandardCharsets.US_ASCII).equals("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  private static Path findOnPath(String name) {
    String path = System.getenv("PATH");
    for (String dir : path == null ? List.<String>of() : List.of(path.split(File.pathSeparator))) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
