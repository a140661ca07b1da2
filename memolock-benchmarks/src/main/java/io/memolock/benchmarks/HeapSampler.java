package io.memolock.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the heap in use every few milliseconds on a platform thread of its own (so that 100,000
 * busy virtual threads cannot starve it), from construction until {@link #stop}, and keeps the
 * largest sample. The samples include garbage not yet collected: a peak, not a live-set size.
 * Thread-safe.
 */
final class HeapSampler {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private final long baseline = used();
  private final AtomicLong peak = new AtomicLong(baseline);
  private final Thread thread;
  private volatile boolean stopped;

  /** @param everyMillis the sampling period */
  HeapSampler(long everyMillis) {
    thread =
        Thread.ofPlatform()
            .daemon()
            .name("heap-sampler")
            .start(
                () -> {
                  while (!stopped) {
                    peak.accumulateAndGet(used(), Math::max);
                    try {
                      Thread.sleep(everyMillis);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
  }

  /** @return heap in use when sampling started, in bytes */
  long baseline() {
    return baseline;
  }

  /**
   * Stops sampling (within a second).
   *
   * @return the largest heap in use seen, in bytes
   */
  long stop() throws InterruptedException {
    stopped = true;
    thread.interrupt();
    thread.join(1_000);
    return peak.accumulateAndGet(used(), Math::max);
  }

  private static long used() {
    return MEMORY.getHeapMemoryUsage().getUsed();
  }
}
