package io.memolock.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One channel's state in a {@link Subscriber}. Not thread-safe: guarded by the subscriber's lock
 * (its listener list alone may be read without it).
 */
final class SubscribedChannel {
  final byte[] raw;
  final List<Subscriber.Listener> listeners = new CopyOnWriteArrayList<>();
  /** SUBSCRIBE/UNSUBSCRIBE commands sent on the current connection and not yet acknowledged. */
  int pending;
  boolean wanted;
  boolean resync;
  CompletableFuture<Void> active = new CompletableFuture<>();

  SubscribedChannel(String name) {
    this.raw = name.getBytes(StandardCharsets.UTF_8);
  }
}
