package io.memolock.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The processes behind a {@link TestRedisCluster}: its six {@code redis-server}s, started at once
 * on free loopback ports (each node's {@code cluster-port} chosen again on every start attempt, see
 * {@link RedisServerProcess#start(Path, RedisServerProcess.ConfigLines)}), and the {@code
 * redis-cli} runs that join them and write as a foreign client. Stateless.
 */
final class ClusterProcesses {
  private ClusterProcesses() {}

  /** @return the six running nodes, cluster-enabled, not yet joined */
  static List<RedisServerProcess> startNodes(int nodeTimeoutMs) {
    Path server =
        RedisServerProcess.binaryOnPath()
            .orElseThrow(() -> new IllegalStateException(
                "TestRedisCluster needs redis-server on PATH (Debian: apt-get install redis-server)"));
    cli(); // fail before starting anything if it is missing
    RedisServerProcess.ConfigLines config = () -> List.of(
        "cluster-enabled yes",
        "cluster-config-file nodes.conf",
        "cluster-node-timeout " + nodeTimeoutMs,
        "cluster-port " + RedisServerProcess.freePort());
    List<RedisServerProcess> started = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<RedisServerProcess>> futures = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        futures.add(threads.submit(() -> RedisServerProcess.start(server, config)));
      }
      for (Future<RedisServerProcess> f : futures) {
        started.add(f.get(60, TimeUnit.SECONDS));
      }
    } catch (Exception e) {
      started.forEach(RedisServerProcess::stop);
      throw new IllegalStateException("cannot start the cluster's redis-server processes", e);
    }
    return started;
  }

  /** Joins the nodes: 3 primaries with a replica each ({@code redis-cli --cluster create}). */
  static void create(List<RedisServerProcess> nodes) {
    List<String> create = new ArrayList<>(List.of(cli().toString(), "--cluster", "create"));
    for (RedisServerProcess node : nodes) {
      create.add(node.host() + ":" + node.port());
    }
    create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
    run(create);
  }

  /** @return {@code redis-cli} on {@code PATH} */
  static Path cli() {
    return RedisBinaries.findOnPath("redis-cli")
        .orElseThrow(() -> new IllegalStateException(
            "TestRedisCluster needs redis-cli on PATH (Debian's redis-server package has it)"));
  }

  /** Runs a process to its end (at most a minute) and returns its output; fails on a non-zero exit. */
  static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " failed:\n" + new String(out, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running redis-cli", e);
    }
  }
}
