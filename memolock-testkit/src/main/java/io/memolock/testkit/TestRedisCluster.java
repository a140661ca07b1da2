package io.memolock.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A real local Redis Cluster for tests: 3 primaries and 3 replicas, six {@code redis-server}
 * processes ({@link RedisServerProcess}) on free loopback ports, {@code cluster-node-timeout} 1000
 * ms (a dead primary is replaced within about two seconds), joined by {@code redis-cli --cluster
 * create ... --cluster-replicas 1 --cluster-yes}. Never a mock: {@code redis-server} and {@code
 * redis-cli} must be on {@code PATH} (Debian's {@code redis-server} package has both), else {@link
 * #shared()} fails with a message saying so.
 *
 * <p>{@link #shared()} starts one cluster per test JVM, stopped with its processes at JVM exit.
 * Fault tests {@link #kill} a node ({@code kill -9}), {@link #restart} it (it rejoins, as a replica
 * once its replica took over) and ask for a graceful {@link #failover}; {@link #awaitHealthy()}
 * waits until every node is back, every slot is served and every primary has a replica, so the
 * next test starts on a whole cluster.
 *
 * <p><b>Thread safety:</b> thread-safe. Node queries open a connection of their own per call; the
 * fault methods are serialized by a {@link ReentrantLock} (not a monitor: no pinning).
 */
public final class TestRedisCluster {
  /** {@code cluster-node-timeout}, in milliseconds. */
  public static final int NODE_TIMEOUT_MS = 1000;

  private static final Duration HEALTHY_TIMEOUT = Duration.ofSeconds(30);
  private static final ReentrantLock SHARED_LOCK = new ReentrantLock();
  private static TestRedisCluster shared; // guarded by SHARED_LOCK
  private static RuntimeException sharedFailure; // guarded by SHARED_LOCK

  private final List<RedisServerProcess> nodes;
  private final ReentrantLock faults = new ReentrantLock();

  private TestRedisCluster(List<RedisServerProcess> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  /**
   * The cluster shared by all tests of this JVM, started on first use (a few seconds).
   *
   * @return the same instance on every call
   * @throws IllegalStateException if {@code redis-server} or {@code redis-cli} is missing from
   *     {@code PATH}, or the cluster does not form (later calls throw again, without trying again)
   */
  public static TestRedisCluster shared() {
    SHARED_LOCK.lock();
    try {
      if (shared != null) {
        return shared;
      }
      if (sharedFailure != null) {
        throw new IllegalStateException("TestRedisCluster.shared() already failed", sharedFailure);
      }
      long start = System.nanoTime();
      try {
        shared = start();
      } catch (RuntimeException e) {
        sharedFailure = e;
        throw e;
      }
      System.err.println(
          AtExit.LOG_PREFIX
              + "TestRedisCluster.shared(): 3 primaries + 3 replicas on ports "
              + shared.ports()
              + ", formed in "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
              + " ms");
      return shared;
    } finally {
      SHARED_LOCK.unlock();
    }
  }

  private static TestRedisCluster start() {
    TestRedisCluster cluster = new TestRedisCluster(ClusterProcesses.startNodes(NODE_TIMEOUT_MS));
    ClusterProcesses.create(cluster.nodes);
    cluster.awaitHealthy();
    return cluster;
  }

  /**
   * @param args a command and its arguments, run in a separate {@code redis-cli -c} process (it
   *     follows redirections), as a foreign writer would
   * @return what redis-cli printed, trimmed
   */
  public String cli(String... args) {
    List<String> command = new ArrayList<>(List.of(
        ClusterProcesses.cli().toString(), "-c", "-h", "127.0.0.1", "-p",
        Integer.toString(primaries().get(0))));
    command.addAll(List.of(args));
    return ClusterProcesses.run(command).trim();
  }

  /** @return a new {@code RedisClusterClient} seeded with every node; the caller closes it */
  public RedisClusterClient newClient() {
    Set<HostAndPort> seeds = new LinkedHashSet<>();
    for (RedisServerProcess node : nodes) {
      seeds.add(new HostAndPort(node.host(), node.port()));
    }
    return RedisClusterClient.create(seeds);
  }

  /** @return the ports of the six nodes */
  public List<Integer> ports() {
    return nodes.stream().map(RedisServerProcess::port).toList();
  }

  /** @return the ports of the nodes that are primaries now */
  public List<Integer> primaries() {
    List<Integer> primaries = new ArrayList<>();
    for (String line : clusterNodes().split("\n")) {
      String[] f = line.split(" ");
      if (f.length > 2 && f[2].contains("master") && !f[2].contains("fail")) {
        primaries.add(portOf(f[1]));
      }
    }
    return primaries;
  }

  /**
   * @param key a key or shard channel
   * @return the port of the primary serving its slot now
   */
  public int primaryOf(String key) {
    int slot = JedisClusterCRC16.getSlot(key);
    for (String line : clusterNodes().split("\n")) {
      String[] f = line.split(" ");
      if (f.length < 9 || !f[2].contains("master") || f[2].contains("fail")) {
        continue;
      }
      for (int i = 8; i < f.length; i++) {
        if (f[i].startsWith("[")) {
          continue; // a slot being migrated or imported
        }
        String[] range = f[i].split("-");
        int from = Integer.parseInt(range[0]);
        int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
        if (slot >= from && slot <= to) {
          return portOf(f[1]);
        }
      }
    }
    throw new IllegalStateException("no primary serves slot " + slot + " of " + key);
  }

  /**
   * @param primaryPort a primary
   * @return the port of one of its replicas
   */
  public int replicaOf(int primaryPort) {
    String primaryId = node(primaryPort, Jedis::clusterMyId);
    for (String line : clusterNodes().split("\n")) {
      String[] f = line.split(" ");
      if (f.length > 3 && f[2].contains("slave") && f[3].equals(primaryId)) {
        return portOf(f[1]);
      }
    }
    throw new IllegalStateException("the primary on port " + primaryPort + " has no replica");
  }

  /**
   * Runs something on a connection of its own to one node.
   *
   * @param port the node
   * @param action what to run
   * @param <T> its result
   * @return its result
   */
  public <T> T node(int port, java.util.function.Function<Jedis, T> action) {
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      return action.apply(jedis);
    }
  }

  /**
   * @param command a command name in lower case, such as {@code publish}
   * @return how many times the nodes that are up ran it since the last {@link #resetStats()}
   */
  public long commandCount(String command) {
    long total = 0;
    for (RedisServerProcess n : nodes) {
      if (!RedisServerProcess.answersPing(n.host(), n.port())) {
        continue;
      }
      String info = node(n.port(), j -> j.info("commandstats"));
      for (String line : info.split("\r?\n")) {
        if (line.startsWith("cmdstat_" + command + ":calls=")) {
          String calls = line.substring(line.indexOf("calls=") + 6);
          total += Long.parseLong(calls.substring(0, calls.indexOf(',')));
        }
      }
    }
    return total;
  }

  /** Resets the command statistics of every node ({@code CONFIG RESETSTAT}). */
  public void resetStats() {
    for (RedisServerProcess n : nodes) {
      node(n.port(), Jedis::configResetStat);
    }
  }

  /**
   * Deletes every key on every primary, once the cluster is healthy; a node that changes role
   * meanwhile (a failover settling) is retried after waiting for health again, twice.
   */
  public void flushAll() {
    for (int attempt = 1; ; attempt++) {
      awaitHealthy();
      try {
        primaries().forEach(port -> node(port, Jedis::flushAll));
        return;
      } catch (JedisException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  /**
   * Kills a node with {@code SIGKILL}: no goodbye to clients or to the cluster.
   *
   * @param port the node
   */
  public void kill(int port) {
    faults.lock();
    try {
      server(port).signal("KILL");
    } finally {
      faults.unlock();
    }
  }

  /**
   * Starts a killed node again on its port with its cluster configuration: it rejoins the cluster.
   *
   * @param port the node
   */
  public void restart(int port) {
    faults.lock();
    try {
      server(port).restart();
    } finally {
      faults.unlock();
    }
  }

  /**
   * A graceful failover ({@code CLUSTER FAILOVER} on a replica): the replica catches up with its
   * primary, then they swap roles. Returns once the replica is a primary.
   *
   * @param replicaPort the replica to promote
   */
  public void failover(int replicaPort) {
    faults.lock();
    try {
      node(replicaPort, Jedis::clusterFailover);
      long deadline = System.nanoTime() + HEALTHY_TIMEOUT.toNanos();
      while (!primaries().contains(replicaPort)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the replica on " + replicaPort + " was not promoted");
        }
        RedisPing.sleep(20);
      }
    } finally {
      faults.unlock();
    }
  }

  /**
   * Waits until every node answers, agrees that the cluster is {@code ok}, and 3 primaries each
   * have a replica.
   *
   * @throws IllegalStateException if that takes more than 30 seconds
   */
  public void awaitHealthy() {
    long deadline = System.nanoTime() + HEALTHY_TIMEOUT.toNanos();
    String why = "";
    while (System.nanoTime() < deadline) {
      why = unhealthy();
      if (why.isEmpty()) {
        return;
      }
      RedisPing.sleep(50);
    }
    throw new IllegalStateException("the cluster did not become healthy: " + why);
  }

  /** @return why the cluster is not healthy, or empty */
  private String unhealthy() {
    try {
      for (RedisServerProcess n : nodes) {
        String info = node(n.port(), Jedis::clusterInfo);
        if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:6")) {
          return "node " + n.port() + ": " + info.lines().limit(3).toList();
        }
      }
      String view = clusterNodes();
      long replicas = view.lines().filter(l -> l.split(" ")[2].contains("slave")).count();
      if (primaries().size() != 3 || replicas != 3 || view.contains("fail")) {
        return "nodes: " + view;
      }
      for (RedisServerProcess n : nodes) {
        String role = node(n.port(), j -> j.info("replication"));
        if (role.contains("role:slave") && !role.contains("master_link_status:up")) {
          return "replica " + n.port() + " not in sync";
        }
        if (role.contains("role:master") != primaries().contains(n.port())) {
          return "node " + n.port() + " disagrees with the view about its role (failing over?)";
        }
      }
      return "";
    } catch (JedisException e) {
      return e.toString();
    }
  }

  private String clusterNodes() {
    JedisException last = null;
    for (RedisServerProcess n : nodes) {
      try {
        return node(n.port(), Jedis::clusterNodes);
      } catch (JedisException e) {
        last = e; // a killed node: ask the next one
      }
    }
    throw new IllegalStateException("no node answers CLUSTER NODES", last);
  }

  private RedisServerProcess server(int port) {
    return nodes.stream()
        .filter(n -> n.port() == port)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node on port " + port));
  }

  /** {@code 127.0.0.1:7000@17000} or {@code :7000@17000} to 7000. */
  private static int portOf(String address) {
    String hostPort = address.split("@")[0];
    return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
  }
}
