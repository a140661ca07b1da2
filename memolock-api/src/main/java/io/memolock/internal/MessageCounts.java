package io.memolock.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * The notifications a subscriber received, and those on a channel with no local listener when they
 * arrived ("strays": with sharded Pub/Sub an instance should hear only its own keys, so strays are
 * fan-out, or a waiter that left just before its message). Read by the benchmarks. Thread-safe.
 */
final class MessageCounts {
  private final LongAdder messages = new LongAdder();
  private final LongAdder strays = new LongAdder();

  /** @param stray whether no listener wanted the message */
  void heard(boolean stray) {
    messages.increment();
    if (stray) {
      strays.increment();
    }
  }

  long messages() {
    return messages.sum();
  }

  long strays() {
    return strays.sum();
  }
}
