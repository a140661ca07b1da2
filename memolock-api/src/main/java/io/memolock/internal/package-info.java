/** The protocol engine. Not exported; nothing here is API. */
@NullMarked
package io.memolock.internal;

import org.jspecify.annotations.NullMarked;
