/**
 * A near cache in front of a {@link io.memolock.MemoLock}: {@link io.memolock.local.LocalTier}.
 *
 * <p>Nulls: nothing in this package accepts or returns {@code null} unless marked
 * {@code @Nullable}.
 */
@NullMarked
package io.memolock.local;

import org.jspecify.annotations.NullMarked;
