package io.memolock.spring.example;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/**
 * The Spring Boot example: {@code @Cacheable(cacheNames = "reports", sync = true)} on MemoLock, the
 * actuator's metrics endpoint, and a local {@code redis-server} when none answers at {@code
 * spring.data.redis.host}/{@code port}. Run it with {@code ./mvnw -q -pl memolock-spring-example -am
 * compile exec:exec@spring-demo}.
 */
@SpringBootApplication
@EnableCaching
public class ReportsApplication {

  /** Created by Spring. */
  public ReportsApplication() {}

  /**
   * @param args Spring Boot arguments, e.g. {@code --server.port=9090}
   */
  public static void main(String[] args) {
    LocalRedisServer.startIfNoneAnswers(args);
    SpringApplication.run(ReportsApplication.class, args);
  }
}
