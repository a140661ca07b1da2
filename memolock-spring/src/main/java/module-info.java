/**
 * MemoLock for Spring: a {@code Cache} and {@code CacheManager} ({@link io.memolock.spring}) and the
 * Spring Boot auto-configuration ({@link io.memolock.spring.boot}).
 *
 * <p>Spring's jars are automatic modules (named by their {@code Automatic-Module-Name}); Boot, the
 * JSON codec and Micrometer are optional ({@code requires static}). The Boot package is opened to
 * Spring, which instantiates its configuration classes and binds its properties reflectively.
 */
@org.jspecify.annotations.NullMarked
module io.memolock.spring {
  requires transitive io.memolock;
  requires transitive io.memolock.redis.strings;
  requires transitive io.memolock.local;
  requires transitive spring.context;
  requires spring.core;
  requires static spring.beans;
  requires static transitive spring.boot;
  requires static transitive spring.boot.autoconfigure;
  requires static io.memolock.jackson;
  requires static transitive io.memolock.micrometer;
  requires static transitive micrometer.core;
  requires static org.jspecify;

  exports io.memolock.spring;
  exports io.memolock.spring.boot;

  opens io.memolock.spring.boot to
      spring.core,
      spring.beans,
      spring.context,
      spring.boot;
}
