package io.memolock.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.testkit.RedisProbes;
import io.memolock.testkit.TestResources;
import io.memolock.testkit.WithRedis;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * Whatever the interleaving of listens, unlistens, publishes and killed connections around a small
 * pattern threshold (so that channels move between covered and subscribed one by one): no listener
 * hears a message twice or another channel's, every listener hears its channel once things settle,
 * and nothing is left on the server or in the subscriber after the last unlisten. Real Redis.
 */
@WithRedis
class ChannelPatternsProperties {
  private static final String PREFIX = "pp/notif:";
  private static final int CHANNELS = 5;

  sealed interface Action {}

  record Listen(int channel) implements Action {}

  record Unlisten(int listener) implements Action {}

  record Publish(int channel) implements Action {}

  record Kill() implements Action {}

  record Pause(int millis) implements Action {}

  /** One listen: its channel, its readiness and what it heard. */
  static final class Heard implements ChannelListener {
    final String channel;
    final ConcurrentLinkedQueue<String> messages = new ConcurrentLinkedQueue<>();
    CompletableFuture<Void> ready = new CompletableFuture<>();

    Heard(String channel) {
      this.channel = channel;
    }

    @Override
    public void onMessage(String channel, byte[] payload) {
      messages.add(channel + "=" + new String(payload, StandardCharsets.UTF_8));
    }

    @Override
    public void onResync() {}
  }

  @Provide
  Arbitrary<Action> actions() {
    Arbitrary<Integer> channel = Arbitraries.integers().between(0, CHANNELS - 1);
    return Arbitraries.frequencyOf(
        Tuple.of(6, channel.map(c -> (Action) new Listen(c))),
        Tuple.of(3, Arbitraries.integers().between(0, 15).map(i -> (Action) new Unlisten(i))),
        Tuple.of(3, channel.map(c -> (Action) new Publish(c))),
        Tuple.of(1, Arbitraries.just((Action) new Kill())),
        Tuple.of(2, Arbitraries.of(0, 5, 30).map(ms -> (Action) new Pause(ms))));
  }

  @Property(tries = 30)
  @SuppressWarnings("deprecation") // sendCommand: PUBSUB NUMPAT, CLIENT KILL ID
  void noMessageTwiceNoneLostOnceSettledNothingLeft(
      @ForAll @Size(min = 1, max = 30) List<@From("actions") Action> actions,
      RedisClient redis,
      TestResources opened)
      throws Exception {
    Subscriber s = new Subscriber(opened.newClient(), 3);
    opened.track(s::close);
    s.coverByPattern(PREFIX);
    AtomicLong clientId = ClientIds.follow(s);
    List<Heard> live = new ArrayList<>();
    List<Heard> all = new ArrayList<>();
    int published = 0;
    for (Action action : actions) {
      switch (action) {
        case Listen l -> {
          Heard h = new Heard(PREFIX + l.channel());
          h.ready = s.listen(List.of(h.channel), h);
          live.add(h);
          all.add(h);
        }
        case Unlisten u -> {
          if (!live.isEmpty()) {
            Heard h = live.remove(u.listener() % live.size());
            s.unlisten(List.of(h.channel), h);
          }
        }
        case Publish p -> redis.publish(PREFIX + p.channel(), "m" + published++);
        case Kill k -> {
          long id = clientId.get();
          if (id > 0) {
            redis.sendCommand(Protocol.Command.CLIENT, "KILL", "ID", String.valueOf(id));
          }
        }
        case Pause p -> Thread.sleep(p.millis());
      }
    }
    for (Heard h : live) {
      h.ready.get(RedisProbes.BOUND_SECONDS, TimeUnit.SECONDS);
    }
    // Settled: every live listener hears a message on its channel (published until it does).
    for (Heard h : live) {
      String probe = "probe-" + published++;
      RedisProbes.await(
          h.channel + " heard by its listener",
          () -> {
            if (h.messages.contains(h.channel + "=" + probe)) {
              return true;
            }
            redis.publish(h.channel, probe);
            return false;
          });
    }
    Thread.sleep(30); // duplicates, had there been any, arrive with the probes
    for (Heard h : all) {
      Set<String> seen = new HashSet<>();
      for (String m : h.messages) {
        assertTrue(m.startsWith(h.channel + "="), "another channel's message: " + m);
        if (!m.contains("=probe-")) {
          assertTrue(seen.add(m), "heard twice: " + m + " in " + h.messages);
        }
      }
    }
    for (Heard h : live) {
      s.unlisten(List.of(h.channel), h);
    }
    RedisProbes.await("no channel held", () -> s.channelCount() == 0);
    RedisProbes.await(
        "no pattern left", () -> (Long) redis.sendCommand(Protocol.Command.PUBSUB, "NUMPAT") == 0);
    for (int c = 0; c < CHANNELS; c++) {
      int k = c;
      RedisProbes.await(
          "channel " + c + " not subscribed on the server; pubsub clients: "
              + new String((byte[]) redis.sendCommand(Protocol.Command.CLIENT, "LIST", "TYPE", "pubsub"), StandardCharsets.UTF_8),
          () -> RedisProbes.subscribers(redis, PREFIX + k) == 0);
    }
  }
}
