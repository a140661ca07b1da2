package io.memolock.spring;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import redis.clients.jedis.RedisClient;

/**
 * One Spring application context in a child JVM of {@link TwoJvmStampedeTest}: a {@code
 * @Cacheable(cacheNames = "reports", sync = true)} service on the cache manager named by its
 * arguments, three contexts (one per cache manager). It reads commands from stdin ({@code RUN <manager> <tag> <calls> <keys> <offset>}: that many concurrent
 * calls over that many keys) and answers {@code DONE <computations>}.
 */
public final class SpringStampedeChild {

  /** The cached service. Thread-safe. */
  public static class Reports {
    private final AtomicInteger computations = new AtomicInteger();

    /** @return computations since the last reset (a method: callers hold the caching proxy) */
    public int computations() {
      return computations.get();
    }

    /** Starts counting again. */
    public void reset() {
      computations.set(0);
    }

    /**
     * @param id the report id
     * @return the report, after 50 ms of "work"
     * @throws InterruptedException if interrupted
     */
    @Cacheable(cacheNames = "reports", sync = true)
    public String report(String id) throws InterruptedException {
      computations.incrementAndGet();
      Thread.sleep(50);
      return "report " + id;
    }
  }

  /** Which cache manager. */
  @Configuration
  @EnableCaching
  public static class App {
    /** @return the service */
    @Bean
    public Reports reports() {
      return new Reports();
    }

    /**
     * @param manager which cache manager: memolock, redis or redis-locking
     * @return the manager
     */
    @Bean
    public CacheManager cacheManager(String manager) {
      String host = System.getProperty("memolock.child.host");
      int port = Integer.getInteger("memolock.child.port");
      String tagPrefix = System.getProperty("memolock.child.prefix") + manager + ".";
      return switch (manager) {
        case "memolock" -> MemoLockCacheManager.builder(RedisClient.create(host, port))
            .defaults(MemoLockCacheConfiguration.defaults().withTagPrefix(tagPrefix).withTtl(Duration.ofMinutes(1)))
            .build();
        case "redis", "redis-locking" -> {
          LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(host, port));
          factory.afterPropertiesSet();
          factory.start();
          RedisCacheWriter writer =
              manager.equals("redis")
                  ? RedisCacheWriter.nonLockingRedisCacheWriter(factory)
                  : RedisCacheWriter.lockingRedisCacheWriter(factory);
          yield RedisCacheManager.builder(writer)
              .cacheDefaults(RedisCacheConfiguration.defaultCacheConfig().prefixCacheNameWith(tagPrefix).entryTtl(Duration.ofMinutes(1)))
              .build();
        }
        default -> throw new IllegalArgumentException(manager);
      };
    }
  }

  private SpringStampedeChild() {}

  /**
   * @param args none; settings come as system properties
   * @throws Exception on failure (the parent sees the exit code)
   */
  public static void main(String[] args) throws Exception {
    Map<String, AnnotationConfigApplicationContext> contexts = new LinkedHashMap<>();
    for (String manager : List.of("memolock", "redis", "redis-locking")) {
      AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
      context.registerBean("manager", String.class, () -> manager);
      context.register(App.class);
      context.refresh();
      contexts.put(manager, context);
    }
    try {
      System.out.println("READY");
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && line.startsWith("RUN ")) {
        String[] w = line.split(" ");
        Reports reports = contexts.get(w[1]).getBean(Reports.class);
        String tag = w[2];
        int calls = Integer.parseInt(w[3]);
        int keys = Integer.parseInt(w[4]);
        int offset = Integer.parseInt(w[5]);
        reports.reset();
        CountDownLatch go = new CountDownLatch(1);
        long started = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        AtomicInteger wrong = new AtomicInteger();
        for (int i = 0; i < calls; i++) {
          String id = tag + "-" + ((i + offset) % keys);
          threads.add(Thread.ofVirtual().start(() -> {
            try {
              go.await();
              if (!reports.report(id).equals("report " + id)) {
                wrong.incrementAndGet();
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
              wrong.incrementAndGet();
              System.err.println("call failed: " + e);
            }
          }));
        }
        go.countDown();
        for (Thread t : threads) {
          t.join();
        }
        System.out.println(
            "DONE " + reports.computations() + " " + wrong.get() + " " + (System.nanoTime() - started) / 1_000_000);
      }
    } finally {
      contexts.values().forEach(AnnotationConfigApplicationContext::close);
    }
  }
}
