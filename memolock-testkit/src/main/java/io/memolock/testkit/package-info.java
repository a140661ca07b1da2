/**
 * Test support for MemoLock: {@link io.memolock.testkit.TestRedis} gives tests a real Redis server, either one shared
 * per test JVM or a private one that a test may restart or stop.
 */
package io.memolock.testkit;
