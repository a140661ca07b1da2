package io.memolock.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.Computed;
import io.memolock.testkit.RedisProbes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Channels heard through one pattern ({@link ChannelPatterns}) on a real Redis: when a pattern
 * stands in, when it leaves, that no message is heard twice or lost, and that covered channels
 * re-check after the subscriber's connection is killed.
 */
class ChannelPatternsTest extends EngineFixture {

  /** Records what one channel's listener hears. */
  static final class Heard implements ChannelListener {
    final ConcurrentLinkedQueue<String> messages = new ConcurrentLinkedQueue<>();
    final AtomicInteger resyncs = new AtomicInteger();

    @Override
    public void onMessage(String channel, byte[] payload) {
      messages.add(channel + "=" + new String(payload, StandardCharsets.UTF_8));
    }

    @Override
    public void onResync() {
      resyncs.incrementAndGet();
    }
  }

  private long evalshaBefore;

  private long evalshaCalls() {
    for (String line : redis.info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_evalsha:calls=")) {
        return Long.parseLong(line.substring("cmdstat_evalsha:calls=".length(), line.indexOf(',')));
      }
    }
    return 0;
  }

  private static void awaitWaiting(Engine<String> engine, int from, int to) {
    await(
        "callers " + from + " to " + to + " waiting, their checks done",
        () -> {
          for (int i = from; i < to; i++) {
            if (!"WAITING".equals(engine.flightState(String.valueOf(i)))) {
              return false;
            }
          }
          return true;
        });
  }

  @SuppressWarnings("deprecation") // sendCommand: PUBSUB NUMPAT has no typed method here
  private long numPat() {
    return (Long) redis.sendCommand(Protocol.Command.PUBSUB, "NUMPAT");
  }

  @SuppressWarnings("deprecation") // sendCommand: PUBSUB CHANNELS has no typed method here
  private List<?> channels(String pattern) {
    return (List<?>) redis.sendCommand(Protocol.Command.PUBSUB, "CHANNELS", pattern);
  }

  private Subscriber subscriber(int coverAt, String prefix) {
    Subscriber s = new Subscriber(client(), coverAt);
    track(s::close);
    s.coverByPattern(prefix);
    return s;
  }

  /** Listens to new channels until one is covered (ready at once, not subscribed on the server). */
  private String awaitCovered(Subscriber s, String prefix, Heard heard) {
    AtomicInteger next = new AtomicInteger();
    String[] covered = new String[1];
    await(
        "a channel under " + prefix + " covered by the pattern",
        () -> {
          String name = prefix + "probe-" + next.incrementAndGet();
          CompletableFuture<Void> ready = s.listen(List.of(name), heard);
          if (ready.isDone() && RedisProbes.subscribers(redis, name) == 0) {
            covered[0] = name;
            return true;
          }
          return false;
        });
    return covered[0];
  }

  @Test
  void aPatternStandsInOnceItsPrefixIsWantedEnoughAndNoMessageIsHeardTwice() throws Exception {
    Subscriber s = subscriber(4, "p1/notif:");
    Heard heard = new Heard();
    List<String> single = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      single.add("p1/notif:single-" + i);
    }
    s.listen(single, heard).get(5, TimeUnit.SECONDS); // the fourth wanted channel sends PSUBSCRIBE
    await("the pattern subscribed on the server", () -> numPat() == 1);
    String covered = awaitCovered(s, "p1/notif:", heard);

    redis.publish(single.get(0), "a"); // subscribed on its own, and matched by the pattern too
    redis.publish(covered, "b"); // heard through the pattern only
    redis.publish("p1/notif:nobody", "c"); // matched, but nobody here listens: dropped
    redis.publish("other/notif:x", "d"); // not matched at all
    await("both messages heard", () -> heard.messages.size() >= 2);
    Thread.sleep(100); // a duplicate, had there been one, arrives with them
    assertEquals(
        List.of(single.get(0) + "=a", covered + "=b"),
        List.copyOf(heard.messages),
        "each message once, and only to its listener");
    assertEquals(0, s.errors());

    // Without its covered channel the pattern stays while four channels are still wanted ...
    s.unlisten(List.of(covered), heard);
    Thread.sleep(50);
    assertEquals(1, numPat(), "kept while four channels are wanted");
    // ... and leaves once fewer are.
    List<String> rest = new ArrayList<>(single);
    for (int i = 1; i < 200; i++) {
      rest.add("p1/notif:probe-" + i); // the probes awaitCovered made (unlistening more is harmless)
    }
    s.unlisten(rest, heard);
    await("the pattern left the server", () -> numPat() == 0);
    await("no channel held", () -> s.channelCount() == 0);
    assertEquals(0, RedisProbes.subscribers(redis, single.toArray(String[]::new)));
  }

  @Test
  @SuppressWarnings("deprecation") // sendCommand: CLIENT KILL ID has no typed method here
  void coveredChannelsReCheckWhenThePatternIsBackAfterTheConnectionIsKilled() throws Exception {
    Subscriber s = subscriber(2, "p2/notif:");
    AtomicLong clientId = ClientIds.follow(s);
    Heard single = new Heard();
    s.listen(List.of("p2/notif:a", "p2/notif:b"), single).get(5, TimeUnit.SECONDS);
    await("the pattern subscribed on the server", () -> numPat() == 1);
    Heard coveredHeard = new Heard();
    String covered = awaitCovered(s, "p2/notif:", coveredHeard);
    assertEquals(0, coveredHeard.resyncs.get());

    long killed = clientId.get();
    redis.sendCommand(Protocol.Command.CLIENT, "KILL", "ID", String.valueOf(killed));
    await("a new connection", () -> clientId.get() != killed && clientId.get() != -1);
    await("the covered channel's listener told to re-check", () -> coveredHeard.resyncs.get() >= 1);
    assertEquals(1, numPat(), "the pattern is subscribed again");
    redis.publish(covered, "after");
    await("heard after the reconnection", () -> coveredHeard.messages.contains(covered + "=after"));
  }

  @Test
  void fifteenHundredWaitingIdsAreWokenThroughPatternsEachWithItsOwnValue() throws Exception {
    int n = 1_500;
    RedisClient client = client();
    Engine<String> engine = engine(client, "pw");
    try (AbstractPipeline p = redis.pipelined()) {
      for (int i = 0; i < n; i++) {
        p.set("pw/lock:" + i, "foreign-holder", SetParams.setParams().px(60_000));
      }
    }
    String[] got = new String[n];
    AtomicInteger computed = new AtomicInteger();
    Thread[] callers = new Thread[n];
    int late = 300; // asked once the patterns are on: they listen first, then one acquire each
    for (int i = 0; i < n; i++) {
      if (i == n - late) {
        int firstLate = i;
        await("the patterns on", () -> engine.subscriber().heardAtOnce(
            List.of("pw/notif:" + firstLate, "pw/fail:" + firstLate)));
        awaitWaiting(engine, 0, firstLate);
        evalshaBefore = evalshaCalls();
      }
      int k = i;
      callers[i] =
          Thread.ofVirtual()
              .start(
                  () ->
                      got[k] =
                          engine.get(
                              String.valueOf(k),
                              Duration.ofSeconds(30),
                              lease -> {
                                computed.incrementAndGet();
                                return Computed.of("computed", Duration.ofMinutes(1));
                              }));
    }
    awaitWaiting(engine, 0, n);
    assertEquals(
        late,
        evalshaCalls() - evalshaBefore,
        "one script per late waiter (its acquire), no re-check after listening");
    assertEquals(2, numPat(), "the notification and the failure channels' patterns");
    long serverChannels = channels("pw/*").size();
    assertTrue(
        serverChannels <= 2L * ChannelPatterns.COVER_AT,
        "the ids beyond the first " + ChannelPatterns.COVER_AT + " are covered, not subscribed one"
            + " by one: " + serverChannels + " channels subscribed for " + n + " ids");

    try (AbstractPipeline p = redis.pipelined()) {
      for (int i = 0; i < n; i++) {
        p.set("pw:" + i, "value " + i, SetParams.setParams().px(60_000));
        p.publish("pw/notif:" + i, "value " + i);
      }
    }
    for (Thread t : callers) {
      assertTrue(t.join(Duration.ofSeconds(30)), "every caller woken");
    }
    for (int i = 0; i < n; i++) {
      assertEquals("value " + i, got[i]);
    }
    assertEquals(0, computed.get());
    await("both patterns left", () -> numPat() == 0);
    await("no channel held", () -> engine.subscribedChannels() == 0);
    assertFalse(channels("pw/*").iterator().hasNext());
  }

  @Test
  @SuppressWarnings("deprecation") // sendCommand: ACL SETUSER/DELUSER have no typed methods here
  void aServerThatRefusesPsubscribeGetsItsChannelsSubscribedOneByOneAndEveryMessageIsHeard()
      throws Exception {
    String user = "memolock-nopattern";
    redis.sendCommand(
        Protocol.Command.ACL, "SETUSER", user, "on", ">secret", "~*", "&*", "+@all", "-psubscribe");
    try {
      RedisClient limited =
          track(
              RedisClient.builder()
                  .hostAndPort(new HostAndPort(REDIS.host(), REDIS.port()))
                  .clientConfig(
                      DefaultJedisClientConfig.builder().user(user).password("secret").build())
                  .build());
      Subscriber s = new Subscriber(limited, 2);
      track(s::close);
      s.coverByPattern("p3/notif:");
      List<Heard> heard = new ArrayList<>();
      List<CompletableFuture<Void>> ready = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        Heard h = new Heard();
        heard.add(h);
        ready.add(s.listen(List.of("p3/notif:" + i), h)); // the second sends the refused PSUBSCRIBE
      }
      for (CompletableFuture<Void> r : ready) {
        r.get(5, TimeUnit.SECONDS); // subscribed one by one once the pattern is given up
      }
      assertEquals(0, numPat());
      for (int i = 0; i < 6; i++) {
        assertEquals(1, RedisProbes.subscribers(redis, "p3/notif:" + i), "channel " + i);
        redis.publish("p3/notif:" + i, "m" + i);
      }
      for (int i = 0; i < 6; i++) {
        Heard h = heard.get(i);
        String expected = "p3/notif:" + i + "=m" + i;
        await("channel " + i + " heard", () -> h.messages.contains(expected));
      }
      assertTrue(s.errors() >= 1, "the refusal is reported");
    } finally {
      redis.sendCommand(Protocol.Command.ACL, "DELUSER", user);
    }
  }

  @Test
  void aTagsGlobCharactersAreEscapedSoThePatternMatchesItsOwnChannelsOnly() throws Exception {
    String tag = "g*[?]\\";
    assertEquals(
        List.of(tag + "/notif:", tag + "/fail:"),
        ChannelPatterns.prefixesOf(io.memolock.spi.KeyScheme.classic(), tag));
    Subscriber s = subscriber(1, tag + "/notif:");
    Heard heard = new Heard();
    String channel = tag + "/notif:1";
    s.listen(List.of(channel), heard).get(5, TimeUnit.SECONDS); // covered at once (threshold 1)
    assertEquals(1, numPat());
    assertEquals(0, RedisProbes.subscribers(redis, channel), "covered, not subscribed");
    assertEquals(1, redis.publish(channel, "m"), "the pattern matches its own channel");
    assertEquals(
        0,
        redis.publish("gXYZ[?]\\/notif:1", "m"),
        "unescaped, g* would match this channel too; escaped, it does not");
    assertEquals(0, redis.publish("g*?\\/notif:1", "m"), "nor [?] a bare ?");
    await("heard", () -> heard.messages.contains(channel + "=m"));
  }

  @Test
  void holdersAndWaitersWhileThePatternsAreOnComputeEachIdOnceAndServeItsValue() throws Exception {
    int n = 3_000;
    Engine<String> a = engine(client(), "pg");
    RedisClient shared = client();
    Engine<String> b = engine(shared, "pg");
    Engine<String> c = engine(shared, "pg"); // shares b's subscriber, and so its patterns
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("id-" + i);
    }
    java.util.concurrent.ConcurrentHashMap<String, AtomicInteger> computed =
        new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    io.memolock.IdComputation<String> held =
        (id, lease) -> {
          computed.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
          if (id.startsWith("id-")) {
            release.await(30, TimeUnit.SECONDS); // a's locks stay held while b waits on them
          }
          return Computed.of("v-" + id, Duration.ofMinutes(1));
        };
    java.util.concurrent.atomic.AtomicReference<java.util.Map<String, String>> fromA =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicReference<java.util.Map<String, String>> fromB =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread holders = Thread.ofVirtual().start(() -> fromA.set(a.getAll(ids, Duration.ofSeconds(60), held)));
    await("a holds every lock", () -> computed.size() == n);
    Thread waiters = Thread.ofVirtual().start(() -> fromB.set(b.getAll(ids, Duration.ofSeconds(60), held)));
    await("b waits through the patterns", () -> b.subscriber().coveredChannels() > 0);
    // c's cold ids, asked while the patterns are on: each flight listens first, wins, computes.
    List<String> others = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      others.add("other-" + i);
    }
    java.util.Map<String, String> fromC = c.getAll(others, Duration.ofSeconds(30), held);
    for (String id : others) {
      assertEquals("v-" + id, fromC.get(id));
    }
    release.countDown();
    assertTrue(holders.join(Duration.ofSeconds(60)));
    assertTrue(waiters.join(Duration.ofSeconds(60)));
    for (String id : ids) {
      assertEquals("v-" + id, fromA.get().get(id));
      assertEquals("v-" + id, fromB.get().get(id));
    }
    for (String id : computed.keySet()) {
      assertEquals(1, computed.get(id).get(), id + " computed once");
    }
    assertEquals(n + others.size(), computed.size());
    await("both patterns left", () -> numPat() == 0);
    await("no channel held", () -> b.subscribedChannels() == 0 && a.subscribedChannels() == 0);
  }
}
