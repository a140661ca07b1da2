package io.memolock.testkit;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import redis.clients.jedis.RedisClient;

/**
 * The JUnit Jupiter side of {@link WithRedis}: empties {@link TestRedis#shared()} before each test, resolves {@link
 * RedisClient}, {@link TestRedis} and {@link TestResources} parameters, and closes what the test opened after it (after
 * its {@code @AfterEach} methods). Register it with {@code @WithRedis} (or {@code @ExtendWith(RedisExtension.class)}).
 *
 * <p><b>Thread safety:</b> this class is thread-safe and stateless; each test's {@link TestResources} live in its own
 * {@link ExtensionContext} store.
 */
public final class RedisExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RedisExtension.class);
  private static final String RESOURCES = "resources";

  /** Creates the extension; Jupiter does this for {@code @WithRedis} classes. */
  public RedisExtension() {}

  @Override
  public void beforeEach(ExtensionContext context) {
    TestRedis.shared().flushAll();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    TestResources resources = context.getStore(NAMESPACE).remove(RESOURCES, TestResources.class);
    if (resources != null) {
      resources.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == RedisClient.class || type == TestRedis.class || type == TestResources.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (type == TestRedis.class) {
      return TestRedis.shared();
    }
    if (context.getTestMethod().isEmpty()) {
      throw new ParameterResolutionException(
          "@WithRedis resolves " + type.getSimpleName() + " only for test methods and their @BeforeEach/@AfterEach"
              + " methods, not for " + parameter.getDeclaringExecutable());
    }
    TestResources resources =
        context
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(RESOURCES, k -> new TestResources(TestRedis.shared()), TestResources.class);
    return type == RedisClient.class ? resources.newClient() : resources;
  }
}
