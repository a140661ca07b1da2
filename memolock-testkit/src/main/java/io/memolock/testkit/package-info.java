/**
 * Test support for MemoLock: {@link io.memolock.testkit.TestRedis} gives tests a real Redis server, either one shared
 * per test JVM or a private one that a test may restart or stop; {@link io.memolock.testkit.RedisServerProcess} is
 * the {@code redis-server} process it runs, usable on its own by a demo or a benchmark that wants a Redis of its own.
 * {@link io.memolock.testkit.WithRedis} puts the shared
 * one in JUnit Jupiter ({@link io.memolock.testkit.RedisExtension}) and jqwik ({@link
 * io.memolock.testkit.RedisLifecycleHook}) tests: emptied before each test or try, its clients closed after it.
 */
package io.memolock.testkit;
