package io.memolock.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import redis.clients.jedis.RedisClient;

/**
 * What one test (or one jqwik try) opened: clients, MemoLocks, anything {@link AutoCloseable}. {@link RedisExtension}
 * and {@link RedisLifecycleHook} close it after the test, most recently opened first, so a MemoLock is closed before
 * the client it runs on.
 *
 * <p>Tests get it as a parameter of a {@code @Test}, {@code @BeforeEach} or {@code @Property} method of a class
 * annotated {@link WithRedis}.
 *
 * <p><b>Thread safety:</b> this class is thread-safe: threads a test starts may {@link #track} what they open. Closing
 * runs once, when the test ends; whatever is tracked after that is closed at once.
 */
public final class TestResources {
  private final TestRedis server;
  private final ReentrantLock lock = new ReentrantLock(); // never held while closing
  private final List<AutoCloseable> opened = new ArrayList<>(); // guarded by lock
  private boolean closed; // guarded by lock

  TestResources(TestRedis server) {
    this.server = Objects.requireNonNull(server, "server");
  }

  /**
   * The Redis the clients of {@link #newClient()} connect to.
   *
   * @return the server ({@link TestRedis#shared()} unless a test framework says otherwise)
   */
  public TestRedis server() {
    return server;
  }

  /**
   * A new client of {@link #server()} with the Jedis defaults, closed after the test.
   *
   * @return a new client
   */
  public RedisClient newClient() {
    return track(server.newClient());
  }

  /**
   * Closes {@code resource} after the test, before everything tracked earlier.
   *
   * @param resource what to close
   * @param <T> its type
   * @return {@code resource}
   * @throws IllegalStateException if the test is over (the resource is then closed at once)
   */
  public <T extends AutoCloseable> T track(T resource) {
    Objects.requireNonNull(resource, "resource");
    lock.lock();
    try {
      if (!closed) {
        opened.add(resource);
        return resource;
      }
    } finally {
      lock.unlock();
    }
    IllegalStateException late = new IllegalStateException("the test is over; " + resource + " was closed at once");
    try {
      resource.close();
    } catch (Exception e) {
      late.addSuppressed(e);
    }
    throw late;
  }

  /**
   * Closes everything tracked, most recent first. Every resource is closed even if another fails.
   *
   * @throws Exception the first failure, with the later ones suppressed
   */
  void close() throws Exception {
    List<AutoCloseable> toClose;
    lock.lock();
    try {
      closed = true;
      toClose = new ArrayList<>(opened);
      opened.clear();
    } finally {
      lock.unlock();
    }
    Exception failure = null;
    for (int i = toClose.size() - 1; i >= 0; i--) {
      try {
        toClose.get(i).close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
