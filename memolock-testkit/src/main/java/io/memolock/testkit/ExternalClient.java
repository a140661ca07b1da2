package io.memolock.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.commands.ProtocolCommand;

/**
 * A tiny stand-in for {@code redis-cli}, run as a separate process by {@link
 * TestRedis#externalCommand} when no {@code redis-cli} is on {@code PATH}: a foreign writer that
 * shares nothing with the test's JVM but the Redis server.
 *
 * <p>Arguments: host port command args... Prints the reply and exits 0, or prints the error and
 * exits 1.
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
}
