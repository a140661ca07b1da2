/**
 * MemoLock's public API. Start with {@link io.memolock.MemoLock#builder}.
 *
 * <p>Nulls: nothing in this API accepts or returns {@code null} unless marked {@code @Nullable}.
 */
@NullMarked
package io.memolock;

import org.jspecify.annotations.NullMarked;
