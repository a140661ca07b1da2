/**
 * Spring's cache abstraction on MemoLock: {@link io.memolock.spring.MemoLockCacheManager} and {@link
 * io.memolock.spring.MemoLockCache}, where {@code @Cacheable(sync = true)} holds across JVMs.
 */
@org.jspecify.annotations.NullMarked
package io.memolock.spring;
