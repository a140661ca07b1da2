package io.memolock.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Talks to a Redis without a client library: one command without arguments over a fresh socket,
 * and the wait for a starting server to answer {@code PING}. Stateless, so thread-safe.
 */
final class RedisPing {
  static final int START_TIMEOUT_SECONDS = 10;
  static final Duration START_TIMEOUT = Duration.ofSeconds(START_TIMEOUT_SECONDS);
  private static final int SOCKET_TIMEOUT_MILLIS = 1_000;

  private RedisPing() {}

  /** Sends one command without arguments over a fresh connection and returns the first line of the reply. */
  static String command(String host, int port, String name) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), SOCKET_TIMEOUT_MILLIS);
      socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write(("*1\r\n$" + name.length() + "\r\n" + name + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        if (c != '\r') {
          line.append((char) c);
        }
      }
      if (c == -1 && line.isEmpty()) {
        throw new IOException("connection closed without a reply to " + name);
      }
      return line.toString();
    }
  }

  /** Whether something at host:port answers {@code PING} with {@code +PONG} within a second. */
  static boolean answers(String host, int port) {
    try {
      return command(host, port, "PING").equals("+PONG");
    } catch (IOException e) {
      return false; // nothing there, or not a Redis: the answer is "no"
    }
  }

  /**
   * Waits until host:port answers PING, or fails with the server's log.
   *
   * @param process the server's process, to fail at once when it exits; null if not ours
   * @param log the server's log, or a description of where it comes from
   */
  static void awaitPing(String host, int port, Process process, Supplier<String> log) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    Object lastAnswer = "nothing";
    while (true) {
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException(
            "redis-server exited with code "
                + process.exitValue()
                + " before answering PING on "
                + host
                + ":"
                + port
                + "; its log:\n"
                + log.get());
      }
      try {
        String reply = command(host, port, "PING");
        if (reply.equals("+PONG")) {
          return;
        }
        lastAnswer = reply;
      } catch (IOException e) {
        lastAnswer = e;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Redis on "
                + host
                + ":"
                + port
                + " did not answer PING within "
                + START_TIMEOUT_SECONDS
                + " s (last answer: "
                + lastAnswer
                + "); its log:\n"
                + log.get());
      }
      sleep(50);
    }
  }

  /** Sleeps; an interrupt keeps the thread's flag and fails the wait. */
  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Redis", e);
    }
  }
}
