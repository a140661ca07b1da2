package io.memolock.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the tests of a class against {@link TestRedis#shared()}, the one real Redis of the test JVM, for both JUnit
 * Jupiter ({@link RedisExtension}) and jqwik ({@link RedisLifecycleHook}), which is its own engine and ignores
 * Jupiter extensions:
 *
 * <ul>
 *   <li>before every test (Jupiter) or every try of a property (jqwik) the server is emptied ({@code FLUSHALL});
 *   <li>a parameter of type {@link redis.clients.jedis.RedisClient} is a new client of the server, {@link TestRedis}
 *       the server, and {@link TestResources} what the test opened; for Jupiter in {@code @Test}, {@code @BeforeEach}
 *       and {@code @AfterEach} methods, for jqwik in {@code @Property} and {@code @Example} methods (next to their
 *       {@code @ForAll} parameters);
 *   <li>after the test (or the try) everything it opened through them is closed, most recent first.
 * </ul>
 *
 * <p>Tests of one JVM share the server and each test empties it: do not run {@code @WithRedis} tests in parallel in
 * one JVM. The annotation names both engines' annotation types, so a module that uses it needs JUnit Jupiter's API and
 * jqwik's on its test class path, even if it runs only one of them (javac warns about a missing annotation type, and
 * {@code -Werror} makes that an error).
 *
 * <pre>{@code
 * @WithRedis
 * class ReportServiceProperties {
 *   @Property(tries = 20)
 *   void computesEachReportOnce(@ForAll("ids") List<String> ids, RedisClient redis, TestResources opened) {
 *     MemoLock<String> lock = opened.track(MemoLock.builder(redis, StringStorage.utf8()).tag("report").build());
 *     ...
 *   }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(RedisExtension.class)
@AddLifecycleHook(RedisLifecycleHook.class)
public @interface WithRedis {}
