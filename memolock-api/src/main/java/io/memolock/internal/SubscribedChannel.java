package io.memolock.internal;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One channel's state in a {@link Subscriber}, kept small (a waiting id holds two of them): no copy
 * of the name's bytes (the subscriber encodes the map key when it writes), one listener held
 * directly (an array only when several share the channel), and no future of its own once the
 * channel is subscribed (the shared {@link #SUBSCRIBED}). Not thread-safe: guarded by the
 * subscriber's lock, except {@link #listeners()}, which the subscriber thread reads without it.
 */
final class SubscribedChannel {
  /** What {@link #active} is once the channel is subscribed (complete; never failed). */
  static final CompletableFuture<Void> SUBSCRIBED = CompletableFuture.completedFuture(null);

  private static final ChannelListener[] NONE = {};

  /** A {@link ChannelListener}, a {@code Listener[]} of two or more, or null. */
  private volatile @Nullable Object listeners;
  /** SUBSCRIBE/UNSUBSCRIBE commands sent on the current connection and not yet acknowledged. */
  int pending;
  boolean wanted;
  /** Heard through a pattern, not subscribed on its own (see {@link ChannelPatterns}). */
  boolean covered;
  boolean resync;
  /** Completes when the channel is subscribed; {@link #SUBSCRIBED} while it is. */
  CompletableFuture<Void> active = new CompletableFuture<>();

  void add(ChannelListener listener) {
    Object l = listeners;
    if (l == null) {
      listeners = listener;
    } else if (l instanceof ChannelListener one) {
      listeners = new ChannelListener[] {one, listener};
    } else {
      ChannelListener[] many = (ChannelListener[]) l;
      ChannelListener[] more = Arrays.copyOf(many, many.length + 1);
      more[many.length] = listener;
      listeners = more;
    }
  }

  /** @return whether the listener was there */
  boolean remove(ChannelListener listener) {
    Object l = listeners;
    if (l == listener) {
      listeners = null;
      return true;
    }
    if (!(l instanceof ChannelListener[] many)) {
      return false;
    }
    for (int i = 0; i < many.length; i++) {
      if (many[i] == listener) {
        ChannelListener[] fewer = new ChannelListener[many.length - 1];
        System.arraycopy(many, 0, fewer, 0, i);
        System.arraycopy(many, i + 1, fewer, i, many.length - i - 1);
        listeners = fewer.length == 1 ? fewer[0] : fewer;
        return true;
      }
    }
    return false;
  }

  boolean isEmpty() {
    return listeners == null;
  }

  /** @return the listeners now (a snapshot; safe without the lock) */
  ChannelListener[] listeners() {
    Object l = listeners;
    if (l == null) {
      return NONE;
    }
    return l instanceof ChannelListener one
        ? new ChannelListener[] {one}
        : (ChannelListener[]) l;
  }

  /** @return the listeners now, as a list */
  List<ChannelListener> listenerList() {
    return List.of(listeners());
  }
}
