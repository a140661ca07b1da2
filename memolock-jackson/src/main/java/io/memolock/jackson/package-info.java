/** A JSON {@link io.memolock.spi.Codec} on Jackson 3: start with {@link io.memolock.jackson.JacksonCodec#of}. */
@org.jspecify.annotations.NullMarked
package io.memolock.jackson;
