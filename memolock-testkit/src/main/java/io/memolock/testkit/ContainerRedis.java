package io.memolock.testkit;

import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The only class that touches Testcontainers, so that {@link TestRedis} loads and works without it (and without
 * Docker). Callers must catch {@link LinkageError} around it in case Testcontainers is absent at run time.
 */
final class ContainerRedis {

  static final String IMAGE = "redis:7";
  private static final int REDIS_PORT = 6379;

  private ContainerRedis() {}

  /** Host, mapped port and a way to stop a started container. */
  record Handle(String host, int port, AutoCloseable stopper) {}

  /**
   * Whether a Docker engine answers. Never throws: any failure, including a missing Testcontainers, means "no".
   */
  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable e) {
      return false;
    }
  }

  /** Starts {@value #IMAGE} with its port published, or returns empty when no Docker engine is reachable. */
  static Optional<Handle> tryStart() {
    if (!dockerAvailable()) {
      return Optional.empty();
    }
    GenericContainer<?> container =
        new GenericContainer<>(DockerImageName.parse(IMAGE)).withExposedPorts(REDIS_PORT);
    container.start();
    try {
      return Optional.of(new Handle(container.getHost(), container.getMappedPort(REDIS_PORT), container::stop));
    } catch (RuntimeException e) {
      container.stop();
      throw e;
    }
  }
}
