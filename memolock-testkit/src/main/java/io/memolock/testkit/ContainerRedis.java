package io.memolock.testkit;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * The only class that touches Testcontainers, so that {@link TestRedis} loads and works without it (and without
 * Docker). Callers must catch {@link LinkageError} around it in case Testcontainers is absent at run time.
 *
 * <p>Testcontainers is reached by reflection, not linked: its jar has no module descriptor and no {@code
 * Automatic-Module-Name}, so its module name would come from the jar's file name, which a published {@code
 * module-info} must not require (not even {@code requires static}). Core reflection needs no {@code requires}: it
 * works the same with Testcontainers on the class path or on the module path.
 *
 * <p><b>Thread safety:</b> stateless; every method may be called from any thread.
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
      Class<?> factory = load("org.testcontainers.DockerClientFactory");
      Object instance = factory.getMethod("instance").invoke(null);
      return (Boolean) factory.getMethod("isDockerAvailable").invoke(instance);
    } catch (Throwable e) {
      return false;
    }
  }

  /** Starts {@value #IMAGE} with its port published, or returns empty when no Docker engine is reachable. */
  static Optional<Handle> tryStart() {
    if (!dockerAvailable()) {
      return Optional.empty();
    }
    try {
      Class<?> imageName = load("org.testcontainers.utility.DockerImageName");
      Class<?> containerClass = load("org.testcontainers.containers.GenericContainer");
      Object image = imageName.getMethod("parse", String.class).invoke(null, IMAGE);
      Object container = containerClass.getConstructor(imageName).newInstance(image);
      containerClass.getMethod("withExposedPorts", Integer[].class).invoke(container, (Object) new Integer[] {REDIS_PORT});
      Method stop = containerClass.getMethod("stop");
      AutoCloseable stopper = () -> invoke(stop, container);
      invoke(containerClass.getMethod("start"), container);
      try {
        String host = (String) invoke(containerClass.getMethod("getHost"), container);
        int port = (Integer) invoke(containerClass.getMethod("getMappedPort", int.class), container, REDIS_PORT);
        return Optional.of(new Handle(host, port, stopper));
      } catch (RuntimeException e) {
        invoke(stop, container);
        throw e;
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Testcontainers is not usable: " + e, e);
    }
  }

  private static Class<?> load(String name) throws ClassNotFoundException {
    return Class.forName(name, true, ContainerRedis.class.getClassLoader());
  }

  /** Invokes a public method; what it throws is rethrown as it was (unchecked) or wrapped (checked). */
  private static Object invoke(Method method, Object target, Object... args) {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(method.getName() + " failed: " + cause, cause);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot call " + method, e);
    }
  }
}
