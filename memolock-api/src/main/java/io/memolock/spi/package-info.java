/**
 * Extension points: how values are encoded ({@link io.memolock.spi.Codec}), which Redis data
 * structure holds them ({@link io.memolock.spi.Storage}) and how keys and channels are named
 * ({@link io.memolock.spi.KeyScheme}). Built-ins come from static factories on each interface.
 */
@NullMarked
package io.memolock.spi;

import org.jspecify.annotations.NullMarked;
