package io.memolock.testkit;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.lifecycle.AroundTryHook;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.Lifespan;
import net.jqwik.api.lifecycle.ParameterResolutionContext;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.ResolveParameterHook;
import net.jqwik.api.lifecycle.Store;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;
import redis.clients.jedis.RedisClient;

/**
 * The jqwik side of {@link WithRedis}: jqwik is its own test engine, so Jupiter extensions do not apply to {@code
 * @Property} classes. Empties {@link TestRedis#shared()} before each try, resolves {@link RedisClient}, {@link
 * TestRedis} and {@link TestResources} parameters of property methods, and closes what a try opened when the try ends
 * (a store with {@link Lifespan#TRY}). Register it with {@code @WithRedis} (or {@code
 * @AddLifecycleHook(RedisLifecycleHook.class)}).
 *
 * <p><b>Thread safety:</b> this class is thread-safe and stateless; each try's {@link TestResources} live in a jqwik
 * store of that try.
 */
public final class RedisLifecycleHook implements AroundTryHook, ResolveParameterHook {
  private static final String STORE = RedisLifecycleHook.class.getName() + ".resources";

  /** Creates the hook; jqwik does this for {@code @WithRedis} classes. */
  public RedisLifecycleHook() {}

  /** @return {@link PropagationMode#ALL_DESCENDANTS}: registered on a class, it serves its (nested) properties */
  @Override
  public PropagationMode propagateTo() {
    return PropagationMode.ALL_DESCENDANTS;
  }

  @Override
  public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters) {
    TestRedis.shared().flushAll();
    return aTry.execute(parameters);
  }

  @Override
  public Optional<ParameterSupplier> resolve(ParameterResolutionContext parameter, LifecycleContext context) {
    Class<?> type = parameter.typeUsage().getRawType();
    if (type == TestRedis.class) {
      return Optional.of(aTry -> TestRedis.shared());
    }
    if (type != RedisClient.class && type != TestResources.class) {
      return Optional.empty();
    }
    return Optional.of(
        aTry -> {
          TestResources resources = tryResources().get().resources;
          return type == RedisClient.class ? resources.newClient() : resources;
        });
  }

  private static Store<ClosedWithTry> tryResources() {
    return Store.getOrCreate(STORE, Lifespan.TRY, () -> new ClosedWithTry(new TestResources(TestRedis.shared())));
  }

  /** One try's resources; jqwik closes a {@link Store.CloseOnReset} value when the try's store is reset. */
  private record ClosedWithTry(TestResources resources) implements Store.CloseOnReset {
    @Override
    public void close() throws Exception {
      resources.close();
    }
  }
}
