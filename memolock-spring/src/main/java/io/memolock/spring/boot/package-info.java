/**
 * Spring Boot auto-configuration of a {@link io.memolock.spring.MemoLockCacheManager}: {@link
 * io.memolock.spring.boot.MemoLockCacheAutoConfiguration}, bound to {@code memolock.cache.*}
 * ({@link io.memolock.spring.boot.MemoLockCacheProperties}).
 */
@org.jspecify.annotations.NullMarked
package io.memolock.spring.boot;
