package io.memolock.spring.boot;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * Builds a Jedis {@link RedisClient} from Spring Boot's {@code spring.data.redis.*} properties:
 * {@code url} (wins when set; {@code redis://user:password@host:port/database}, {@code rediss://}
 * for TLS), else {@code host} (default {@code localhost}), {@code port} (6379), {@code username},
 * {@code password}, {@code database} (0), {@code ssl.enabled}; and {@code timeout}, {@code
 * connect-timeout}, {@code client-name} in both cases. Sentinel and cluster properties are not
 * read: define a {@code UnifiedJedis} bean (e.g. a {@code RedisClusterClient}) for those.
 * Stateless.
 */
final class RedisClients {
  private static final String P = "spring.data.redis.";

  private RedisClients() {}

  /** {@code redis[s]://[[user]:password@]host[:port][/database]} */
  @SuppressWarnings("deprecation") // ssl(boolean): Jedis 8 still honours it; SslOptions needs a trust store
  private static RedisClient fromUrl(URI url, DefaultJedisClientConfig.Builder config) {
    if (!"redis".equals(url.getScheme()) && !"rediss".equals(url.getScheme())) {
      throw new IllegalArgumentException("spring.data.redis.url must be redis:// or rediss://, was " + url.getScheme());
    }
    String info = url.getUserInfo();
    if (info != null && !info.isEmpty()) {
      int colon = info.indexOf(':');
      if (colon < 0) {
        config.password(info);
      } else {
        if (colon > 0) {
          config.user(info.substring(0, colon));
        }
        config.password(info.substring(colon + 1));
      }
    }
    String path = url.getPath();
    if (path != null && path.length() > 1) {
      config.database(Integer.parseInt(path.substring(1)));
    }
    config.ssl("rediss".equals(url.getScheme()));
    return RedisClient.builder()
        .hostAndPort(url.getHost() != null ? url.getHost() : "localhost", url.getPort() > 0 ? url.getPort() : 6379)
        .clientConfig(config.build())
        .build();
  }

  @SuppressWarnings("deprecation") // ssl(boolean), as above
  static RedisClient fromProperties(Environment env) {
    DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder();
    Binder binder = Binder.get(env);
    Duration timeout = binder.bind(P + "timeout", Duration.class).orElse(null);
    if (timeout != null) {
      config.socketTimeoutMillis(Math.toIntExact(timeout.toMillis()));
    }
    Duration connect = binder.bind(P + "connect-timeout", Duration.class).orElse(null);
    if (connect != null) {
      config.connectionTimeoutMillis(Math.toIntExact(connect.toMillis()));
    }
    String clientName = env.getProperty(P + "client-name");
    if (clientName != null) {
      config.clientName(clientName);
    }
    String url = env.getProperty(P + "url");
    if (url != null && !url.isBlank()) {
      return fromUrl(URI.create(url), config);
    }
    String user = env.getProperty(P + "username");
    if (user != null) {
      config.user(user);
    }
    String password = env.getProperty(P + "password");
    if (password != null) {
      config.password(password);
    }
    config.database(env.getProperty(P + "database", Integer.class, 0));
    config.ssl(env.getProperty(P + "ssl.enabled", Boolean.class, false));
    return RedisClient.builder()
        .hostAndPort(env.getProperty(P + "host", "localhost"), env.getProperty(P + "port", Integer.class, 6379))
        .clientConfig(config.build())
        .build();
  }
}
