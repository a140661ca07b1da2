package io.memolock.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** How the engine writes strings, numbers and tokens on the wire. Stateless. */
final class Bytes {
  private Bytes() {}

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] ascii(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A random version-4 UUID, as the classic protocol's lock tokens are, drawn from {@link
   * ThreadLocalRandom}: tokens need to be unique, not unpredictable, and a SecureRandom draw per
   * lock costs more than the rest of the miss path's bookkeeping.
   */
  static byte[] newToken() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (random.nextLong() & ~(0x3L << 62)) | (0x2L << 62);
    return utf8(new UUID(msb, lsb).toString());
  }

  /** @return the duration in nanoseconds, or a quarter of {@code Long.MAX_VALUE} if longer */
  static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }

  /** @return the duration in milliseconds, or a quarter of {@code Long.MAX_VALUE} if longer */
  static long saturatedMillis(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      return d.isNegative() ? 0 : Long.MAX_VALUE / 4;
    }
  }
}
