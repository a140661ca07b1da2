package io.memolock.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where a {@code redis-server} (or {@code redis-cli}) binary comes from: {@code PATH}, or the
 * {@code redis-server} bundled as a resource in the embedded-redis jar, extracted once per JVM to a
 * temporary directory that is deleted at exit. Thread-safe: the extraction is serialized by a
 * {@link ReentrantLock} (not a monitor, so a virtual thread waiting for it does not pin its carrier).
 */
final class RedisBinaries {
  private static final ReentrantLock LOCK = new ReentrantLock();
  private static Path embedded; // guarded by LOCK

  private RedisBinaries() {}

  /** The first regular, executable file called {@code name} in a directory of {@code PATH}. */
  static Optional<Path> findOnPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Optional<Path> candidate = dir.isEmpty() ? Optional.empty() : executable(dir, name);
      if (candidate.isPresent()) {
        return candidate;
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> executable(String dir, String name) {
    try {
      Path candidate = Path.of(dir, name);
      return Files.isRegularFile(candidate) && Files.isExecutable(candidate)
          ? Optional.of(candidate.toAbsolutePath())
          : Optional.empty();
    } catch (InvalidPathException e) {
      return Optional.empty(); // a malformed PATH entry holds no binary
    }
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
  static Path embedded() {
    LOCK.lock();
    try {
      if (embedded != null && Files.isExecutable(embedded)) {
        return embedded;
      }
      String resource = embeddedResourceName(System.getProperty("os.name"), System.getProperty("os.arch"));
      URL url = findResource(resource);
      if (url == null) {
        throw new IllegalStateException(
            "resource " + resource + " not found: is com.github.codemonstur:embedded-redis on the class path?");
      }
      try {
        Path dir = Files.createTempDirectory("memolock-redis-bin-");
        AtExit.register("deleting " + dir, () -> RedisServerProcess.deleteRecursively(dir));
        Path binary = dir.resolve(resource);
        try (InputStream in = url.openStream()) {
          Files.copy(in, binary);
        }
        makeExecutable(binary);
        embedded = binary;
        return binary;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot extract " + resource + " from embedded-redis", e);
      }
    } finally {
      LOCK.unlock();
    }
  }

  private static void makeExecutable(Path binary) throws IOException {
    try {
      Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (UnsupportedOperationException e) {
      if (!binary.toFile().setExecutable(true)) {
        throw new IOException("cannot make " + binary + " executable", e);
      }
    }
  }

  private static URL findResource(String resource) {
    ClassLoader own = RedisBinaries.class.getClassLoader();
    URL url = own == null ? null : own.getResource(resource);
    if (url == null) {
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      url = context == null ? null : context.getResource(resource);
    }
    return url != null ? url : ClassLoader.getSystemResource(resource);
  }
}
