package io.memolock.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.commands.ProtocolCommand;

/**
 * A tiny stand-in for {@code redis-cli}, run as a separate process by {@link
 * TestRedis#externalCommand} when no {@code redis-cli} is on {@code PATH}: a foreign writer that
 * shares nothing with the test's JVM but the Redis server.
 *
 * <p>Arguments: host port command args... Prints the reply and exits 0, or prints the error and
 * exits 1. {@link #run} starts it (or {@code redis-cli}) and reads what it prints.
 *
 * <p>Stateless, so thread-safe.
 */
public final class ExternalClient {
  private ExternalClient() {}

  /**
   * @param args host, port, then the command and its arguments
   */
  public static void main(String[] args) {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    byte[] name = args[2].getBytes(StandardCharsets.UTF_8);
    ProtocolCommand command = () -> name;
    String[] rest = Arrays.copyOfRange(args, 3, args.length);
    try (Connection connection = new Connection(new HostAndPort(host, port))) {
      Object reply = connection.executeCommand(
          new redis.clients.jedis.CommandObject<>(
              new redis.clients.jedis.CommandArguments(command).addObjects((Object[]) rest),
              redis.clients.jedis.BuilderFactory.RAW_OBJECT));
      System.out.println(reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : reply);
    } catch (RuntimeException e) {
      System.out.println("(error) " + e.getMessage());
      System.exit(1);
    }
  }

  /**
   * Runs one command against host:port from a separate process: {@code cli} when present, else a
   * child JVM running this class.
   *
   * @return what the process printed, stripped
   * @throws IllegalStateException if the process fails or runs longer than 30 s
   */
  static String run(String host, int port, Optional<Path> cli, String... command) {
    List<String> argv = new ArrayList<>();
    if (cli.isPresent()) {
      argv.addAll(List.of(cli.get().toString(), "-h", host, "-p", String.valueOf(port)));
    } else {
      argv.addAll(
          List.of(
              ProcessHandle.current().info().command().orElse("java"),
              "-cp",
              System.getProperty("java.class.path"),
              ExternalClient.class.getName(),
              host,
              String.valueOf(port)));
    }
    argv.addAll(List.of(command));
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("external command did not finish: " + argv);
      }
      if (p.exitValue() != 0 || out.startsWith("(error)")) {
        throw new IllegalStateException("external command failed: " + argv + ": " + out);
      }
      return out.strip();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + argv, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + argv, e);
    }
  }
}
