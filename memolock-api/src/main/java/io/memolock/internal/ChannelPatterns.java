package io.memolock.internal;

import io.memolock.spi.KeyScheme;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The channel patterns of a standalone {@link Subscriber}: when many channels that share a
 * registered prefix are wanted at once (a MemoLock with thousands of waiting ids), one {@code
 * PSUBSCRIBE prefix*} stands in for the {@code SUBSCRIBE} of every channel listened to from then
 * on. Such a channel is <em>covered</em>: it is never subscribed on its own, its listeners hear it
 * through the pattern's messages, and it is ready at once, since the pattern was acknowledged
 * before it was listened to (so no message sent after the listener's re-check can be missed, the
 * same rule as for a subscribed channel; see {@code FlightRecord.listenThenCheck}).
 *
 * <p>The rules, each kept by the subscriber under its lock:
 *
 * <ul>
 *   <li>A pattern is subscribed ({@link State#JOINING}) when a listen makes the prefix's wanted
 *       channels reach {@link #coverAt}, and is used ({@link State#ON}) once acknowledged. A channel
 *       already subscribed on its own stays so: a channel is covered or subscribed, never both, and
 *       hears only the kind of message that matches ({@code pmessage} or {@code message}), so no
 *       message reaches a listener twice.
 *   <li>It is unsubscribed ({@link State#LEAVING}) once no covered channel is left and the wanted
 *       channels are fewer than {@link #coverAt}; listens meanwhile subscribe their channels.
 *   <li>When the connection drops, a pattern with covered channels is subscribed again on the next
 *       connection, and its acknowledgement tells every covered channel's listeners to re-check, as
 *       a subscribed channel's does; one without is forgotten.
 * </ul>
 *
 * <p>The prefix check is Java's {@code startsWith}, and the pattern is the prefix with Redis's
 * glob characters escaped, then {@code *}: the two agree on every name, so a covered channel's
 * messages are exactly those the pattern delivers. Messages of the pattern on channels nobody here
 * listens to (other ids of the tag) are dropped: the price of the pattern, paid only while this
 * many ids wait. Not thread-safe: guarded by the subscriber's lock.
 */
final class ChannelPatterns {
  /** Wanted channels under one prefix at which its pattern is subscribed, by default. */
  static final int COVER_AT = 1_024;
  /** Connections lost in a row while a pattern was being subscribed, after which it is given up. */
  static final int MAX_FAILED_JOINS = 3;

  enum State {
    OFF,
    JOINING,
    ON,
    LEAVING
  }

  /** One registered prefix and its pattern's state. */
  static final class Prefix {
    final String prefix;
    final byte[] pattern;
    /** Written under the subscriber's lock; read without it by {@link #allOn} (a hint). */
    volatile State state = State.OFF;
    /** Wanted channels under the prefix, covered or subscribed on their own. */
    int wanted;
    /** Wanted channels that are covered. */
    int covered;
    /** PSUBSCRIBE/PUNSUBSCRIBE commands sent on the current connection and not yet acknowledged. */
    int pending;
    /** Whether the covered channels' listeners must re-check once the pattern is acknowledged. */
    boolean resync;
    /** Connections lost in a row while its pattern was being subscribed. */
    int failedJoins;
    /** Its pattern is not used again (see {@link #disconnected}). */
    boolean disabled;

    Prefix(String prefix) {
      this.prefix = prefix;
      this.pattern = pattern(prefix).getBytes(StandardCharsets.UTF_8);
    }

    /** One per prefix string: what {@link #register} keeps to once. */
    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Prefix p && p.prefix.equals(prefix);
    }

    @Override
    public int hashCode() {
      return prefix.hashCode();
    }
  }

  private static final System.Logger LOG = System.getLogger(ChannelPatterns.class.getName());

  private final int coverAt;
  /** Registered prefixes: added without the subscriber's lock, read under it or without it. */
  private final CopyOnWriteArrayList<Prefix> prefixes = new CopyOnWriteArrayList<>();
  /** Covered channels under every prefix; written under the lock, read without it. */
  private volatile int coveredTotal;

  /** @param coverAt wanted channels under one prefix at which its pattern is subscribed */
  ChannelPatterns(int coverAt) {
    if (coverAt < 1) {
      throw new IllegalArgumentException("coverAt must be positive: " + coverAt);
    }
    this.coverAt = coverAt;
  }

  /**
   * Registers a prefix (again: no effect). An empty prefix is refused: it would cover all.
   * Thread-safe without the subscriber's lock (the list adds atomically).
   */
  void register(String prefix) {
    if (!prefix.isEmpty()) {
      prefixes.addIfAbsent(new Prefix(prefix));
    }
  }

  /** @return the longest registered prefix of the name, or null */
  @Nullable Prefix of(String name) {
    Prefix best = null;
    for (Prefix p : prefixes) {
      if (name.startsWith(p.prefix) && (best == null || p.prefix.length() > best.prefix.length())) {
        best = p;
      }
    }
    return best;
  }

  /** @return the prefix of a pattern the server acknowledged, or null */
  @Nullable Prefix byPattern(String pattern) {
    for (Prefix p : prefixes) {
      if (pattern.equals(new String(p.pattern, StandardCharsets.UTF_8))) {
        return p;
      }
    }
    return null;
  }

  /**
   * A channel became wanted.
   *
   * @param connection the current connection, or null while there is none
   * @return null if the caller must subscribe the channel on its own; else it is covered, and
   *     ready now ({@link State#ON}) or once the pattern is acknowledged ({@link State#JOINING})
   */
  @Nullable State wanted(
      String name, @Nullable PubSubConnection connection, Consumer<RuntimeException> problem) {
    Prefix p = of(name);
    if (p == null) {
      return null;
    }
    p.wanted++;
    if (p.state == State.OFF && p.wanted >= coverAt && !p.disabled) {
      p.state = State.JOINING;
      if (connection != null) {
        send(connection, true, p, problem);
      } // else: sent when the next connection is up
    }
    if (p.state == State.ON || p.state == State.JOINING) {
      p.covered++;
      coveredTotal++;
      return p.state;
    }
    return null;
  }

  /** A channel is no longer wanted; covered: whether it was covered. */
  void unwanted(
      String name, boolean covered, @Nullable PubSubConnection connection,
      Consumer<RuntimeException> problem) {
    Prefix p = of(name);
    if (p == null) {
      return;
    }
    p.wanted--;
    if (covered) {
      p.covered--;
      coveredTotal--;
    }
    maybeLeave(p, connection, problem);
  }

  /** What a pattern's acknowledgement asks of the subscriber, outside its lock. */
  record Acked(List<CompletableFuture<Void>> ready, List<ChannelListener> resync) {
    static final Acked NOTHING = new Acked(List.of(), List.of());
  }

  /**
   * A (un)subscription of a pattern was acknowledged. Once subscribed, the channels covered while
   * it was joining are ready; if it is subscribed again after a reconnection, the listeners of the
   * channels covered before must re-check.
   *
   * @param channels the subscriber's channels (their futures of readiness are updated here)
   */
  Acked acknowledged(
      String pattern, @Nullable PubSubConnection connection, Consumer<RuntimeException> problem,
      Map<String, SubscribedChannel> channels) {
    Prefix p = byPattern(pattern);
    if (p == null || p.pending == 0 || --p.pending > 0) {
      return Acked.NOTHING; // not ours, left over from an earlier state, or more to come
    }
    if (p.state == State.LEAVING) {
      p.state = State.OFF;
      return Acked.NOTHING;
    }
    p.state = State.ON;
    p.failedJoins = 0;
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    List<ChannelListener> resync = new ArrayList<>();
    for (Map.Entry<String, SubscribedChannel> e : channels.entrySet()) {
      SubscribedChannel ch = e.getValue();
      if (!ch.covered || of(e.getKey()) != p) {
        continue;
      }
      if (!ch.active.isDone()) {
        ready.add(ch.active);
        ch.active = SubscribedChannel.SUBSCRIBED;
      } else if (p.resync) {
        resync.addAll(ch.listenerList());
      }
    }
    p.resync = false;
    maybeLeave(p, connection, problem);
    return new Acked(ready, resync);
  }

  /**
   * The connection is gone: a pattern with covered channels, or wanted enough, is to be subscribed
   * again on the next connection (and its covered channels re-checked, if it was in use). A pattern
   * whose subscription was on its way when {@value #MAX_FAILED_JOINS} connections in a row ended
   * is given up for good, with its channels uncovered here (the subscriber subscribes them one by
   * one, and their listeners re-check): a server that refuses {@code PSUBSCRIBE} (an ACL) ends the
   * connection with the error, and trying again would only end the next one the same way.
   *
   * @param channels the subscriber's channels
   */
  void disconnected(Map<String, SubscribedChannel> channels) {
    for (Prefix p : prefixes) {
      if (p.state == State.JOINING && p.pending > 0 && ++p.failedJoins >= MAX_FAILED_JOINS) {
        p.disabled = true;
        LOG.log(
            System.Logger.Level.WARNING,
            "MemoLock subscriber: the connection ended " + MAX_FAILED_JOINS + " times in a row while"
                + " PSUBSCRIBE {0} was on its way (refused by an ACL?); channels under {1} are"
                + " subscribed one by one from now on",
            new String(p.pattern, StandardCharsets.UTF_8), p.prefix);
      }
      p.pending = 0;
      p.resync |= p.state == State.ON && p.covered > 0;
      if (p.disabled && p.covered > 0) {
        for (Map.Entry<String, SubscribedChannel> e : channels.entrySet()) {
          if (e.getValue().covered && of(e.getKey()) == p) {
            e.getValue().covered = false;
            coveredTotal--;
          }
        }
        p.covered = 0;
      }
      p.state = p.covered > 0 || (p.wanted >= coverAt && !p.disabled) ? State.JOINING : State.OFF;
      p.resync &= p.state == State.JOINING;
    }
  }

  /** A new connection is up: subscribes the patterns that are to be subscribed again. */
  void connected(PubSubConnection connection, Consumer<RuntimeException> problem) {
    for (Prefix p : prefixes) {
      if (p.state == State.JOINING) {
        send(connection, true, p, problem);
      }
    }
  }

  /** Unsubscribes every pattern that may be subscribed (before the connection's channels). */
  void removeAll(PubSubConnection connection) {
    List<byte[]> subscribed = new ArrayList<>();
    for (Prefix p : prefixes) {
      if (p.state != State.OFF) {
        subscribed.add(p.pattern);
      }
      p.state = State.OFF;
    }
    if (!subscribed.isEmpty()) {
      connection.removePatterns(subscribed.toArray(byte[][]::new));
    }
  }

  /** @return whether every name's pattern is in use now (a hint, read without the lock) */
  boolean allOn(List<String> names) {
    for (String name : names) {
      Prefix p = of(name);
      if (p == null || p.state != State.ON) {
        return false;
      }
    }
    return true;
  }

  /** @return covered channels (may be read without the lock) */
  int covered() {
    return coveredTotal;
  }

  private void maybeLeave(
      Prefix p, @Nullable PubSubConnection connection, Consumer<RuntimeException> problem) {
    if (p.covered > 0 || p.wanted >= coverAt) {
      return;
    }
    if (connection == null) {
      if (p.state == State.ON || p.state == State.JOINING) {
        p.state = State.OFF; // nothing is subscribed without a connection
        p.resync = false;
      }
      return;
    }
    if (p.state != State.ON) {
      return; // a joining pattern leaves once acknowledged
    }
    p.state = State.LEAVING;
    send(connection, false, p, problem);
  }

  private static void send(
      PubSubConnection connection, boolean subscribe, Prefix p, Consumer<RuntimeException> problem) {
    p.pending++;
    try {
      if (subscribe) {
        connection.addPatterns(new byte[][] {p.pattern});
      } else {
        connection.removePatterns(new byte[][] {p.pattern});
      }
    } catch (RuntimeException e) {
      problem.accept(e); // the connection is broken: the subscriber reconnects
    }
  }

  /** The glob pattern of every name that starts with the prefix: glob characters escaped, then *. */
  static String pattern(String prefix) {
    StringBuilder b = new StringBuilder(prefix.length() + 2);
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.append('*').toString();
  }

  /**
   * The prefixes shared by a tag's channels under a key scheme, found by probing it with a few
   * ids: one for the notification channels, one for the failure channels (none that is empty). A
   * channel of some other id that does not start with its prefix is simply never covered.
   */
  static List<String> prefixesOf(KeyScheme scheme, String tag) {
    List<String> out = new ArrayList<>(2);
    for (Function<KeyScheme.Keys, String> name :
        List.<Function<KeyScheme.Keys, String>>of(KeyScheme.Keys::notification, KeyScheme.Keys::failure)) {
      String prefix;
      try {
        prefix = SchemePrefixes.common(scheme, tag, name);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "key scheme refused probe id; no channel patterns", e);
        return List.of(); // a scheme of the user's that refuses an id: channels stay one by one
      }
      if (!prefix.isEmpty() && !out.contains(prefix)) {
        out.add(prefix);
      }
    }
    return out;
  }
}
