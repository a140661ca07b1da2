package io.memolock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.internal.Engine;
import io.memolock.internal.TestStorage;
import io.memolock.testkit.TestRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Arbitrary and adversarial bytes (random, invalid or truncated UTF-8, bytes that make the codec
 * throw an Error or a stray RuntimeException, large payloads) published as the notification of a
 * waiting instance, and written as the stored value or not: the waiter ends with a value or a
 * {@link CodecException}, nothing else; the subscriber never reconnects (it did not die); no flight
 * or channel stays registered. One MemoLock serves every try, so a subscriber killed by one
 * payload fails every later try.
 */
class HostilePayloadProperties {
  private static final TestRedis REDIS = TestRedis.shared();
  private static final HostileCodec CODEC = new HostileCodec();
  private static final AtomicInteger IDS = new AtomicInteger();
  private static RedisClient redis;
  private static MemoLock<String> waiter;

  private static MemoLock<String> waiter() { // jqwik runs the tries one after another
    if (waiter == null) {
      redis = REDIS.newClient();
      waiter =
          MemoLock.builder(redis, TestStorage.of(CODEC)).tag("hostile").build();
    }
    return waiter;
  }

  @AfterContainer
  static void close() {
    if (waiter != null) {
      waiter.close();
      redis.close();
    }
  }

  @Provide
  Arbitrary<byte[]> payloads() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(2_000);
    Arbitrary<byte[]> marked =
        Arbitraries.of(HostileCodec.STACK_OVERFLOW, HostileCodec.ILLEGAL_STATE)
            .flatMap(m -> random.map(r -> concat(m.getBytes(StandardCharsets.US_ASCII), r)));
    Arbitrary<byte[]> badUtf8 =
        Arbitraries.of(
            new byte[] {(byte) 0xC3, 0x28},
            new byte[] {(byte) 0x80},
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x9A},
            new byte[] {(byte) 0xFF, (byte) 0xFE},
            new byte[0]);
    Arbitrary<byte[]> truncated =
        Arbitraries.strings()
            .ofMinLength(1)
            .ofMaxLength(50)
            .map(s -> s.getBytes(StandardCharsets.UTF_8))
            .flatMap(b -> Arbitraries.integers().between(0, b.length).map(n -> Arrays.copyOf(b, n)));
    Arbitrary<byte[]> large =
        Arbitraries.integers().between(50_000, 200_000).map(n -> filled(n, (byte) 0xFF));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, random),
        net.jqwik.api.Tuple.of(3, marked),
        net.jqwik.api.Tuple.of(2, badUtf8),
        net.jqwik.api.Tuple.of(2, truncated),
        net.jqwik.api.Tuple.of(1, large));
  }

  @Property(tries = 30)
  void aWaiterEndsWithAValueOrACodecExceptionAndTheSubscriberLivesOn(
      @ForAll("payloads") byte[] payload, @ForAll boolean storedToo) throws Exception {
    MemoLock<String> lock = waiter();
    Engine<?> engine = (Engine<?>) lock;
    String id = "h" + IDS.incrementAndGet();
    redis.set("hostile/lock:" + id, "foreign-holder", SetParams.setParams().px(5_000));
    CompletableFuture<String> result = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                result.complete(lock.get(id, Duration.ofSeconds(10), l -> Computed.of("computed")));
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            });
    Leftovers.awaitSubscribers(redis, "hostile/notif:" + id, 1);
    byte[] stored = storedToo ? payload : "fine".getBytes(StandardCharsets.UTF_8);
    redis.set(("hostile:" + id).getBytes(StandardCharsets.UTF_8), stored);
    redis.publish(("hostile/notif:" + id).getBytes(StandardCharsets.UTF_8), payload);

    String fromPayload = decodeOrNull(payload);
    String fromStore = decodeOrNull(stored);
    try {
      String value = result.get(15, TimeUnit.SECONDS);
      assertTrue(
          value.equals(fromPayload) || value.equals(fromStore),
          "a value the bytes decode to, got " + value);
    } catch (ExecutionException e) {
      assertTrue(
          e.getCause() instanceof CodecException && (fromPayload == null || fromStore == null),
          "only a CodecException, and only for undecodable bytes: " + e.getCause());
    }
    assertEquals(1, engine.subscriberConnects(), "the subscriber never had to reconnect");
    Leftovers.await("nothing registered", () -> engine.activeFlights() == 0);
    Leftovers.await("no channel left", () -> engine.subscribedChannels() == 0);
    redis.del("hostile:" + id, "hostile/lock:" + id);
  }

  private static String decodeOrNull(byte[] bytes) {
    try {
      return CODEC.decode(bytes);
    } catch (Throwable t) {
      return null;
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] filled(int n, byte b) {
    byte[] out = new byte[n];
    Arrays.fill(out, b);
    return out;
  }
}
