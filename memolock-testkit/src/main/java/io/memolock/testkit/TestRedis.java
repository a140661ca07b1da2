package io.memolock.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
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
 * <p>A server this JVM started listens on {@code 127.0.0.1} only, never saves to disk ({@code save ""}, {@code
 * appendonly no}), and runs in a temporary directory that holds its log. It is answering {@code PING} before any
 * method here returns it; a server that does not answer within 10 seconds fails the start
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

  static final int START_TIMEOUT_SECONDS = 10;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(START_TIMEOUT_SECONDS);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final int SOCKET_TIMEOUT_MILLIS = 1_000;
  private static final int START_ATTEMPTS = 3;
  private static final int LOG_TAIL_CHARS = 8_000;
  private static final String LOOPBACK = "127.0.0.1";
  private static final String PORT_IN_USE = "already in use";
  private static final String LOG_PREFIX = "[memolock-testkit] ";

  private static final ReentrantLock SHARED_LOCK = new ReentrantLock();
  private static TestRedis shared; // guarded by SHARED_LOCK
  private static RuntimeException sharedFailure; // guarded by SHARED_LOCK

  /** Everything to stop at JVM exit: owned processes and containers. */
  private static final Set<TestRedis> TO_STOP = ConcurrentHashMap.newKeySet();

  /** Guards restart(), stop() and process start; a ReentrantLock, not a monitor (no pinning). */
  private final ReentrantLock stateLock = new ReentrantLock();

  private static final ReentrantLock STATIC_LOCK = new ReentrantLock();
  private static boolean hookInstalled; // guarded by STATIC_LOCK
  private static Path embeddedBinary; // guarded by STATIC_LOCK
  private static Path embeddedBinaryDir; // guarded by STATIC_LOCK

  private final String host;
  private final int port;
  private final String source;
  private final Path serverBinary; // null unless this JVM runs the process
  private final AutoCloseable container; // null unless a container
  private final Path workDir; // null unless this JVM runs the process

  private Process process; // guarded by this
  private boolean containerStopped; // guarded by this

  private TestRedis(
      String host, int port, String source, Path serverBinary, AutoCloseable container, Path workDir) {
    this.host = host;
    this.port = port;
    this.source = source;
    this.serverBinary = serverBinary;
    this.container = container;
    this.workDir = workDir;
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
        shared = discover();
      } catch (RuntimeException e) {
        sharedFailure = e;
        throw e;
      }
      System.err.println(LOG_PREFIX + "TestRedis.shared() uses " + shared.describe());
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
    Optional<Path> onPath = findOnPath("redis-server");
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
    return startOwned(embeddedBinary(), SOURCE_EMBEDDED);
  }

  private static TestRedis discover() {
    String env = System.getenv(ENV_URI);
    if (env != null && !env.isBlank()) {
      // An explicit choice: no fallback if it does not answer.
      return fromUri(env.strip());
    }
    List<RuntimeException> failures = new ArrayList<>();

    Optional<Path> onPath = findOnPath("redis-server");
    if (onPath.isPresent()) {
      try {
        return startOwned(onPath.get(), SOURCE_PATH);
      } catch (RuntimeException e) {
        failures.add(e);
        System.err.println(LOG_PREFIX + "redis-server on PATH did not start, trying next source: " + e.getMessage());
      }
    }

    try {
      TestRedis fromContainer = startContainer();
      if (fromContainer != null) {
        return fromContainer;
      }
    } catch (RuntimeException | LinkageError e) {
      failures.add(new IllegalStateException("Testcontainers " + ContainerRedis.IMAGE + " failed", e));
      System.err.println(LOG_PREFIX + "Testcontainers did not start Redis, trying next source: " + e);
    }

    try {
      return startEmbedded();
    } catch (RuntimeException e) {
      failures.add(e);
    }

    IllegalStateException error =
        new IllegalStateException(
            "No Redis for tests: set "
                + ENV_URI
                + ", install redis-server on PATH, make a Docker engine reachable, or run on Linux/macOS where the"
                + " embedded-redis binary works",
            failures.isEmpty() ? null : failures.get(failures.size() - 1));
    for (int i = 0; i < failures.size() - 1; i++) {
      error.addSuppressed(failures.get(i));
    }
    throw error;
  }

  private static TestRedis fromUri(String text) {
    URI given;
    try {
      given = new URI(text);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(ENV_URI + " is not a URI: " + text, e);
    }
    String path = given.getPath();
    if (!"redis".equalsIgnoreCase(given.getScheme())
        || given.getHost() == null
        || given.getUserInfo() != null
        || given.getQuery() != null
        || !(path == null || path.isEmpty() || path.equals("/") || path.equals("/0"))) {
      throw new IllegalStateException(
          ENV_URI
              + " must look like redis://HOST:PORT (no password, no database other than 0, no TLS), not: "
              + text);
    }
    String host = unbracket(given.getHost());
    int port = given.getPort() == -1 ? 6379 : given.getPort();
    TestRedis redis = new TestRedis(host, port, SOURCE_URI, null, null, null);
    try {
      awaitPing(host, port, null, () -> "(not started by this JVM)");
    } catch (RuntimeException e) {
      throw new IllegalStateException(ENV_URI + "=" + text + " does not answer PING", e);
    }
    return redis;
  }

  private static TestRedis startContainer() {
    if (!ContainerRedis.dockerAvailable()) {
      return null;
    }
    Optional<ContainerRedis.Handle> handle = ContainerRedis.tryStart();
    if (handle.isEmpty()) {
      return null;
    }
    ContainerRedis.Handle h = handle.get();
    TestRedis redis = new TestRedis(unbracket(h.host()), h.port(), SOURCE_TESTCONTAINERS, null, h.stopper(), null);
    installShutdownHook();
    TO_STOP.add(redis);
    try {
      awaitPing(redis.host, redis.port, null, () -> "(container " + ContainerRedis.IMAGE + ")");
    } catch (RuntimeException e) {
      redis.stop();
      throw e;
    }
    return redis;
  }

  static TestRedis startOwned(Path binary, String source) {
    installShutdownHook();
    RuntimeException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      TestRedis redis;
      try {
        redis = new TestRedis(LOOPBACK, freePort(), source, binary, null, Files.createTempDirectory("memolock-redis-"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare a redis-server run", e);
      }
      TO_STOP.add(redis);
      try {
        redis.stateLock.lock();
        try {
          redis.startProcess();
        } finally {
          redis.stateLock.unlock();
        }
        return redis;
      } catch (RuntimeException e) {
        redis.stop();
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
      String reply = command(host, port, "FLUSHALL");
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
    stateLock.lock();
    try {
      if (!owned()) {
        throw new IllegalStateException(
            "restart() needs a redis-server started by this JVM, but this Redis comes from source '"
                + source
                + "'; use TestRedis.startPrivate()");
      }
      killProcess();
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (true) {
        try {
          startProcess();
          return;
        } catch (IllegalStateException e) {
          // The old socket may linger for a moment: try the same port again.
          if (!String.valueOf(e.getMessage()).contains(PORT_IN_USE) || System.nanoTime() > deadline) {
            throw e;
          }
          sleep(100);
        }
      }
    } finally {
      stateLock.unlock();
    }
  }

  /**
   * Stops the server if this JVM started it: kills the process tree and deletes its directory, or stops the
   * container. Does nothing for a server given by {@value #ENV_URI}. Calling it again does nothing.
   */
  public void stop() {
    stateLock.lock();
    try {
      killProcess();
      if (workDir != null) {
        deleteRecursively(workDir);
      }
      if (container != null && !containerStopped) {
        containerStopped = true;
        try {
          container.close();
        } catch (Exception e) {
          System.err.println(LOG_PREFIX + "stopping the Redis container failed: " + e);
        }
      }
    } finally {
      stateLock.unlock();
    }
  }

  /**
   * Whether this JVM runs the {@code redis-server} process itself, so that {@link #restart()} works. False for a
   * server given by {@value #ENV_URI} and for a Testcontainers container (which is still stopped at JVM exit).
   *
   * @return whether this JVM runs the process
   */
  public boolean owned() {
    return serverBinary != null;
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
    return serverBinary;
  }

  /**
   * A {@code redis-cli} binary on {@code PATH}, if any.
   *
   * @return the binary, or empty
   */
  public Optional<Path> cliBinary() {
    return findOnPath("redis-cli");
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
    List<String> argv = new ArrayList<>();
    if (cli.isPresent()) {
      argv.addAll(List.of(cli.get().toString(), "-h", host(), "-p", String.valueOf(port())));
    } else {
      argv.addAll(
          List.of(
              ProcessHandle.current().info().command().orElse("java"),
              "-cp",
              System.getProperty("java.class.path"),
              ExternalClient.class.getName(),
              host(),
              String.valueOf(port())));
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
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot start " + argv, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + argv, e);
    }
  }

  @Override
  public String toString() {
    return "TestRedis[" + source + " " + uri() + "]";
  }

  private String describe() {
    return switch (source) {
      case SOURCE_URI -> ENV_URI + " " + uri();
      case SOURCE_PATH -> "redis-server on PATH (" + serverBinary + ") at " + uri();
      case SOURCE_TESTCONTAINERS -> "Testcontainers " + ContainerRedis.IMAGE + " at " + uri();
      case SOURCE_EMBEDDED -> "the embedded-redis binary (" + serverBinary + ") at " + uri();
      default -> source + " " + uri();
    };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Process handling
  // ---------------------------------------------------------------------------------------------------------------

  /** Starts the process on {@link #port} and waits for PING; on failure no process is left running. */
  private void startProcess() {
    Process started;
    try {
      Files.createDirectories(workDir);
      Path conf = workDir.resolve("redis.conf");
      Files.writeString(
          conf,
          String.join(
              "\n",
              "bind " + LOOPBACK,
              "port " + port,
              "save \"\"",
              "appendonly no",
              "daemonize no",
              "logfile \"\"",
              "dir " + quote(workDir.toString()),
              ""),
          StandardCharsets.UTF_8);
      started =
          new ProcessBuilder(serverBinary.toString(), conf.toString())
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + serverBinary + " on port " + port, e);
    }
    try {
      started.getOutputStream().close(); // redis-server reads no input
    } catch (IOException e) {
      // harmless
    }
    try {
      awaitPing(host, port, started, this::logTail);
    } catch (RuntimeException e) {
      killTree(started);
      throw e;
    }
    process = started;
  }

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
    boolean interrupted = false;
    try {
      if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        System.err.println(LOG_PREFIX + "redis-server pid " + p.pid() + " did not exit after SIGKILL");
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
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

  /** Waits until host:port answers PING, or fails with the server's log. */
  private static void awaitPing(String host, int port, Process process, java.util.function.Supplier<String> log) {
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

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Binaries
  // ---------------------------------------------------------------------------------------------------------------

  static Optional<Path> findOnPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      try {
        Path candidate = Path.of(dir, name);
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
   * The name of the redis-server resource in the embedded-redis jar for an OS and CPU.
   *
   * @throws IllegalStateException if the jar has none for them
   */
  static String embeddedResourceName(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT);
    String arch = osArch.toLowerCase(Locale.ROOT);
    boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
    boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
    boolean x86 = arch.equals("x86") || arch.equals("i386") || arch.equals("i486") || arch.equals("i586")
        || arch.equals("i686");
    if (os.contains("linux")) {
      if (x64) {
        return "redis-server-6.2.6-v5-linux-amd64";
      }
      if (arm64) {
        return "redis-server-6.2.7-linux-arm64";
      }
      if (x86) {
        return "redis-server-6.2.7-linux-386";
      }
    } else if (os.contains("mac") || os.contains("darwin")) {
      if (x64) {
        return "redis-server-6.2.6-v5-darwin-amd64";
      }
      if (arm64) {
        return "redis-server-6.2.6-v5-darwin-arm64";
      }
    }
    throw new IllegalStateException("embedded-redis bundles no redis-server for " + osName + " " + osArch);
  }

  /** Extracts the embedded redis-server once per JVM into a temporary directory and makes it executable. */
  static Path embeddedBinary() {
    STATIC_LOCK.lock();
    try {
      if (embeddedBinary != null && Files.isExecutable(embeddedBinary)) {
        return embeddedBinary;
      }
      String resource = embeddedResourceName(System.getProperty("os.name"), System.getProperty("os.arch"));
      URL url = findResource(resource);
      if (url == null) {
        throw new IllegalStateException(
            "resource " + resource + " not found: is com.github.codemonstur:embedded-redis on the class path?");
      }
      installShutdownHook();
      try {
        Path dir = Files.createTempDirectory("memolock-redis-bin-");
        Path binary = dir.resolve(resource);
        try (InputStream in = url.openStream()) {
          Files.copy(in, binary);
        }
        try {
          Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
          if (!binary.toFile().setExecutable(true)) {
            throw new IOException("cannot make " + binary + " executable", e);
          }
        }
        embeddedBinaryDir = dir;
        embeddedBinary = binary;
        return binary;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot extract " + resource + " from embedded-redis", e);
      }
    } finally {
      STATIC_LOCK.unlock();
    }
  }

  private static URL findResource(String resource) {
    ClassLoader own = TestRedis.class.getClassLoader();
    URL url = own == null ? null : own.getResource(resource);
    if (url == null) {
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      url = context == null ? null : context.getResource(resource);
    }
    return url != null ? url : ClassLoader.getSystemResource(resource);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // JVM exit
  // ---------------------------------------------------------------------------------------------------------------

  private static void installShutdownHook() {
    STATIC_LOCK.lock();
    try {
      if (!hookInstalled) {
        Runtime.getRuntime().addShutdownHook(new Thread(TestRedis::stopAll, "memolock-testkit-redis-stop"));
        hookInstalled = true;
      }
    } finally {
      STATIC_LOCK.unlock();
    }
  }

  private static void stopAll() {
    for (TestRedis redis : TO_STOP) {
      try {
        redis.stop();
      } catch (RuntimeException e) {
        System.err.println(LOG_PREFIX + "stopping " + redis + " failed: " + e);
      }
    }
    Path dir;
    STATIC_LOCK.lock();
    try {
      dir = embeddedBinaryDir;
    } finally {
      STATIC_LOCK.unlock();
    }
    if (dir != null) {
      deleteRecursively(dir);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Small helpers
  // ---------------------------------------------------------------------------------------------------------------

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: it is a temporary directory
    }
  }

  private static String quote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String unbracket(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Redis", e);
    }
  }
}
