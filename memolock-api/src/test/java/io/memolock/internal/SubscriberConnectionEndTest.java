package io.memolock.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memolock.testkit.RedisProbes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;

/**
 * A subscription written to the subscriber's connection after the server killed it, before the
 * subscriber noticed, must not open a socket of its own (a Jedis connection reconnects by itself
 * when written to after it closed): that socket would hold the channel on the server for good,
 * unread, even after the subscriber is closed. Found by {@link ChannelPatternsProperties}.
 */
class SubscriberConnectionEndTest extends EngineFixture {

  @Test
  @SuppressWarnings("deprecation") // sendCommand: CLIENT KILL ID and CLIENT LIST have no typed methods here
  void aSubscriptionWrittenAfterTheConnectionWasKilledLeavesNoSocketSubscribed() throws Exception {
    for (int round = 0; round < 3; round++) {
      Subscriber s = new Subscriber(client(), ChannelPatterns.COVER_AT);
      AtomicLong clientId = ClientIds.follow(s);
      await("connected", () -> clientId.get() > 0);
      redis.sendCommand(Protocol.Command.CLIENT, "KILL", "ID", String.valueOf(clientId.get()));
      ChannelPatternsTest.Heard heard = new ChannelPatternsTest.Heard();
      String channel = "end/notif:" + round;
      s.listen(List.of(channel), heard).get(5, TimeUnit.SECONDS); // at once: likely on the dead one
      assertEquals(1, RedisProbes.subscribers(redis, channel), "one subscription: the subscriber's");
      s.unlisten(List.of(channel), heard);
      await("unsubscribed", () -> s.channelCount() == 0);
      s.close();
      await(
          "no Pub/Sub connection left after close; the server has: " + pubsubClients(),
          () -> pubsubClients().isBlank());
    }
  }

  @SuppressWarnings("deprecation")
  private String pubsubClients() {
    return new String(
        (byte[]) redis.sendCommand(Protocol.Command.CLIENT, "LIST", "TYPE", "pubsub"),
        StandardCharsets.UTF_8);
  }
}
