package io.memolock.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

/** The subscriber's hooks for the local tier: its CLIENT ID, connection events, null messages. */
class SubscriberHooksTest extends EngineFixture {

  /** Records connection events as "up <id>" and "down". */
  static final class Events implements ConnectionListener {
    final BlockingQueue<String> queue = new LinkedBlockingQueue<>();

    @Override
    public void onConnected(long clientId) {
      queue.add("up " + clientId);
    }

    @Override
    public void onDisconnected() {
      queue.add("down");
    }

    String next() throws InterruptedException {
      String e = queue.poll(5, TimeUnit.SECONDS);
      assertNotNull(e, "no connection event within 5 s");
      return e;
    }
  }

  @SuppressWarnings("deprecation")
  static String clientList(UnifiedJedis redis, String type) {
    Object reply = redis.sendCommand(Protocol.Command.CLIENT, "LIST", "TYPE", type);
    return reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
  }

  @SuppressWarnings("deprecation")
  static void killClient(UnifiedJedis redis, long id) {
    redis.sendCommand(Protocol.Command.CLIENT, "KILL", "ID", Long.toString(id));
  }

  @Test
  void aConnectionListenerLearnsTheSubscribersClientIdAndHearsItDropAndReturn() throws Exception {
    Engine<String> engine = engine(redis, "hooks");
    await("the subscriber connects", () -> engine.subscriberConnects() > 0);
    Events events = new Events();
    engine.subscriber().addConnectionListener(events);

    String up = events.next();
    assertTrue(up.startsWith("up "), up);
    long id = Long.parseLong(up.substring(3));
    String subscriberLine =
        clientList(redis, "pubsub").lines().filter(l -> l.startsWith("id=" + id + " ")).findFirst()
            .orElseThrow(() -> new AssertionError("no pubsub client with id " + id));
    assertTrue((subscriberLine + " ").contains(" resp=2 "), "the subscriber speaks RESP2: " + subscriberLine);

    killClient(redis, id);
    assertEquals("down", events.next());
    String again = events.next();
    assertTrue(again.startsWith("up "), again);
    long newId = Long.parseLong(again.substring(3));
    assertNotEquals(id, newId);
    assertTrue(clientList(redis, "pubsub").contains("id=" + newId + " "));

    engine.subscriber().removeConnectionListener(events);
    killClient(redis, newId);
    await("the subscriber reconnects", () -> engine.subscriberConnects() >= 3);
    assertEquals(0, events.queue.size(), "a removed listener hears nothing: " + events.queue);
  }

  @Test
  void trackingMessagesRedirectedToTheSubscriberReachItsListenersAndAFlushIsAnEmptyPayload()
      throws Exception {
    Engine<String> engine = engine(redis, "hooks");
    Events events = new Events();
    engine.subscriber().addConnectionListener(events);
    long id = Long.parseLong(events.next().substring(3));
    BlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
    ChannelListener listener =
        new ChannelListener() {
          @Override
          public void onMessage(String channel, byte[] payload) {
            messages.add(payload);
          }

          @Override
          public void onResync() {}
        };
    engine.subscriber().listen(List.of("__redis__:invalidate"), listener).get(5, TimeUnit.SECONDS);
    try (Connection tracking = client().getPool().getResource()) {
      tracking.sendCommand(
          Protocol.Command.CLIENT, "TRACKING", "ON", "REDIRECT", Long.toString(id), "BCAST",
          "PREFIX", "hooks:");
      assertEquals("OK", tracking.getStatusCodeReply());
      redis.set("other:a", "1");
      redis.set("hooks:a", "1");
      assertArrayEquals(
          "hooks:a".getBytes(StandardCharsets.UTF_8), messages.poll(5, TimeUnit.SECONDS));
      redis.flushAll();
      byte[] flush = messages.poll(5, TimeUnit.SECONDS);
      assertNotNull(flush);
      assertEquals(0, flush.length, "FLUSHALL's null message arrives as an empty payload");
    } finally {
      engine.subscriber().unlisten(List.of("__redis__:invalidate"), listener);
    }
  }

  @Test
  void notificationsOnAChannelWithoutListenersAreCountedAsStrayAndListenedOnesAreNot()
      throws Exception {
    Engine<String> engine = engine(redis, "strays");
    Events events = new Events();
    engine.subscriber().addConnectionListener(events);
    long id = Long.parseLong(events.next().substring(3));
    engine.subscriber().removeConnectionListener(events);
    // Redis sends tracking invalidations to a redirect target in Pub/Sub mode whether or not it
    // subscribed to __redis__:invalidate: the one way to deliver a message no listener asked for.
    try (Connection tracking = client().getPool().getResource()) {
      tracking.sendCommand(
          Protocol.Command.CLIENT, "TRACKING", "ON", "REDIRECT", Long.toString(id), "BCAST",
          "PREFIX", "strays:");
      assertEquals("OK", tracking.getStatusCodeReply());
      long received = engine.notificationsReceived();
      redis.set("strays:a", "1");
      await("the stray invalidation arrives", () -> engine.strayNotifications() == 1);
      assertEquals(received + 1, engine.notificationsReceived());

      BlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
      ChannelListener listener =
          new ChannelListener() {
            @Override
            public void onMessage(String channel, byte[] payload) {
              messages.add(payload);
            }

            @Override
            public void onResync() {}
          };
      engine.subscriber().listen(List.of("__redis__:invalidate"), listener).get(5, TimeUnit.SECONDS);
      try {
        redis.set("strays:b", "1");
        assertNotNull(messages.poll(5, TimeUnit.SECONDS));
        assertEquals(received + 2, engine.notificationsReceived());
        assertEquals(1, engine.strayNotifications(), "a listened channel's message is not stray");
      } finally {
        engine.subscriber().unlisten(List.of("__redis__:invalidate"), listener);
      }
    }
  }
}
