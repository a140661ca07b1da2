package io.memolock.storage.conformance;

import io.memolock.testkit.TestRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisMonitor;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The commands a Redis server runs, seen through {@code MONITOR} on a connection of its own: a
 * test proves that an operation issues only the commands it should. Not thread-safe: one test
 * thread uses it.
 */
public final class CommandLog implements AutoCloseable {
  private final TestRedis redis;
  private final Jedis monitor;
  private final Thread reader;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private CommandLog(TestRedis redis) throws InterruptedException {
    this.redis = redis;
    this.monitor = new Jedis(redis.host(), redis.port());
    CountDownLatch started = new CountDownLatch(1);
    this.reader =
        Thread.ofVirtual()
            .name("command-log")
            .start(
                () -> {
                  try {
                    monitor.monitor(
                        new JedisMonitor() {
                          @Override
                          public void onCommand(String command) {
                            lines.add(command);
                          }

                          @Override
                          public void proceed(redis.clients.jedis.Connection client) {
                            started.countDown();
                            super.proceed(client);
                          }
                        });
                  } catch (JedisException closed) {
                    // close() ends the monitor by closing its connection.
                  }
                });
    if (!started.await(5, TimeUnit.SECONDS)) {
      throw new IllegalStateException("MONITOR did not start");
    }
  }

  /**
   * Starts monitoring.
   *
   * @param redis the server
   * @return the log; close it
   * @throws InterruptedException if interrupted while it starts
   */
  public static CommandLog start(TestRedis redis) throws InterruptedException {
    return new CommandLog(redis);
  }

  /**
   * Runs an action and returns the commands the server ran meanwhile, as {@code MONITOR} prints
   * them without the timestamp and client (for example {@code "HMGET" "t:1" "a"}). {@code ECHO}
   * markers sent before and after bound the window.
   *
   * @param action the operation to observe
   * @return the commands, in the order the server ran them
   * @throws InterruptedException if interrupted while waiting for the log
   */
  public List<String> during(Runnable action) throws InterruptedException {
    String begin = "command-log-begin-" + UUID.randomUUID();
    String end = "command-log-end-" + UUID.randomUUID();
    try (Jedis marker = new Jedis(redis.host(), redis.port())) {
      marker.echo(begin);
      action.run();
      marker.echo(end);
    }
    List<String> seen = new ArrayList<>();
    boolean inside = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("the end marker never showed up in MONITOR; saw " + seen);
      }
      String command = line.substring(line.indexOf(']') + 1).strip();
      if (command.contains(begin)) {
        inside = true;
      } else if (command.contains(end)) {
        return seen;
      } else if (inside && !command.startsWith("\"PING\"")) {
        seen.add(command);
      }
    }
  }

  /** Stops monitoring: closes the monitor's connection and waits briefly for its thread. */
  @Override
  public void close() {
    monitor.close();
    try {
      reader.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
