package io.memolock.kryo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.CodecException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class KryoCodecTest {
  static final KryoCodec<Profile> CODEC =
      KryoCodec.builder(Profile.class).register(Profile.Address.class).build();

  static final Profile ANNA =
      new Profile(
          "Anna ✓",
          21,
          List.of("sister", "queen"),
          Map.of("chess", 1200, "skating", 3),
          new Profile.Address("Arendelle", "0001"));

  @Test
  void recordsWithNestedRecordsAndJdkCollectionsRoundTrip() {
    assertEquals(ANNA, CODEC.decode(CODEC.encode(ANNA)));
    Profile mutable =
        new Profile(
            "Olaf", 3, new ArrayList<>(List.of("snow")), new LinkedHashMap<>(Map.of("a", 1)), null);
    assertEquals(mutable, CODEC.decode(CODEC.encode(mutable)));
    byte[] bytes = CODEC.encode(ANNA);
    assertEquals(0x4B, bytes[0]);
    assertEquals(0x01, bytes[1]);
  }

  @Test
  void everyBuiltInRegistrationRoundTripsWithoutOpeningJdkModules() {
    KryoCodec<Object> objects = KryoCodec.builder(Object.class).build();
    List<Object> values =
        List.of(
            "text", 42, 42L, 4.2d, true, 'c', (byte) 1, (short) 2, 1.5f,
            List.of(1, 2), Set.of("a"), Map.of("k", 1), List.of(),
            new ArrayList<>(List.of(1)), new java.util.LinkedList<>(List.of(2)),
            new HashMap<>(Map.of("a", 1)), new LinkedHashMap<>(Map.of("b", 2)),
            new java.util.TreeMap<>(Map.of("c", 3)), new java.util.HashSet<>(Set.of(1)),
            new java.util.LinkedHashSet<>(Set.of(2)), new java.util.TreeSet<>(Set.of(3)),
            new java.math.BigDecimal("12345.678901234567890"), new java.math.BigInteger("98765432109876543210"),
            java.util.UUID.randomUUID(), java.time.Instant.now(), java.time.LocalDate.of(2024, 2, 29),
            java.time.LocalDateTime.of(2024, 2, 29, 23, 59), java.time.Duration.ofMillis(1234));
    for (Object value : values) {
      assertEquals(value, objects.decode(objects.encode(value)), value.getClass().getName());
    }
    byte[] bytes = {1, 2, 3};
    org.junit.jupiter.api.Assertions.assertArrayEquals(bytes, (byte[]) objects.decode(objects.encode(bytes)));
    String[] strings = {"a", null, "c"};
    org.junit.jupiter.api.Assertions.assertArrayEquals(strings, (String[]) objects.decode(objects.encode(strings)));
  }

  @Test
  void encodingAnUnregisteredClassNamesItAndTheFix() {
    KryoCodec<Profile> withoutAddress = KryoCodec.builder(Profile.class).build();
    CodecException e = assertThrows(CodecException.class, () -> withoutAddress.encode(ANNA));
    assertTrue(
        e.getMessage().contains("class io.memolock.kryo.Profile$Address is not registered")
            && e.getMessage().contains("register("),
        e.getMessage());
    record Unknown(int x) {}
    KryoCodec<Object> objects = KryoCodec.builder(Object.class).build();
    CodecException u = assertThrows(CodecException.class, () -> objects.encode(new Unknown(1)));
    assertTrue(u.getMessage().contains("Unknown is not registered"), u.getMessage());
  }

  @Test
  void bytesNamingAClassThisCodecDidNotRegisterAreRefused() {
    KryoCodec<Object> writer =
        KryoCodec.builder(Object.class).register(Profile.class, Profile.Address.class).build();
    KryoCodec<Object> reader = KryoCodec.builder(Object.class).build();
    CodecException e = assertThrows(CodecException.class, () -> reader.decode(writer.encode(ANNA)));
    assertTrue(e.getMessage().contains("unregistered class ID"), e.getMessage());
  }

  @Test
  void bytesOfAnotherTypeAreRefused() {
    KryoCodec<Object> objects = KryoCodec.builder(Object.class).build();
    CodecException e =
        assertThrows(CodecException.class, () -> CODEC.decode(objects.encode("just text")));
    assertTrue(
        e.getMessage().contains("decoded a java.lang.String where a io.memolock.kryo.Profile"),
        e.getMessage());
  }

  @Test
  void foreignCorruptTruncatedAndPaddedBytesAreRefused() {
    byte[] good = CODEC.encode(ANNA);
    assertThrows(CodecException.class, () -> CODEC.decode(new byte[0]));
    CodecException foreign =
        assertThrows(
            CodecException.class,
            () -> CODEC.decode("{\"name\":\"Anna\"}".getBytes(StandardCharsets.UTF_8)));
    assertTrue(foreign.getMessage().contains("not KryoCodec bytes"), foreign.getMessage());

    byte[] flipped = good.clone();
    flipped[flipped.length / 2] ^= 0x10;
    CodecException corrupt = assertThrows(CodecException.class, () -> CODEC.decode(flipped));
    assertTrue(corrupt.getMessage().contains("CRC-32C does not match"), corrupt.getMessage());

    assertThrows(CodecException.class, () -> CODEC.decode(Arrays.copyOf(good, good.length - 1)));

    byte[] future = good.clone();
    future[1] = 2;
    CodecException version = assertThrows(CodecException.class, () -> CODEC.decode(future));
    assertTrue(version.getMessage().contains("format 2 is unknown"), version.getMessage());

    byte[] padded = withValidChecksum(Arrays.copyOf(good, good.length + 2));
    CodecException trailing = assertThrows(CodecException.class, () -> CODEC.decode(padded));
    assertTrue(trailing.getMessage().contains("2 trailing bytes"), trailing.getMessage());

    byte[] truncated = withValidChecksum(Arrays.copyOf(good, good.length - 3));
    assertThrows(CodecException.class, () -> CODEC.decode(truncated));
  }

  static byte[] withValidChecksum(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 6, bytes.length - 6);
    ByteBuffer.wrap(bytes, 2, 4).putInt((int) crc.getValue());
    return bytes;
  }

  @Test
  void unregisteredClassesPassOnlyWhenRegistrationIsNotRequired() {
    record Free(String text, HashMap<String, String> extra) {}
    KryoCodec<Free> lax = KryoCodec.builder(Free.class).registrationRequired(false).build();
    Free value = new Free("x", new HashMap<>(Map.of("k", "v")));
    assertEquals(value, lax.decode(lax.encode(value)));
  }

  @Test
  void builderOptionsAreValidated() {
    assertThrows(
        IllegalArgumentException.class,
        () -> KryoCodec.builder(Profile.class).register(Profile.Address.class, Profile.Address.class));
    KryoCodec.Builder<Profile> builder = KryoCodec.builder(Profile.class).registrationRequired(true);
    assertThrows(IllegalStateException.class, () -> builder.registrationRequired(false));
    assertThrows(NullPointerException.class, () -> KryoCodec.builder(null));
  }

  @Test
  void thousandsOfVirtualThreadsShareOneCodec() throws Exception {
    List<Future<Boolean>> results = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 2_000; i++) {
        int n = i;
        results.add(
            threads.submit(
                () -> {
                  Profile p = new Profile("p" + n, n, List.of("t" + n), Map.of("s", n), null);
                  return p.equals(CODEC.decode(CODEC.encode(p)));
                }));
      }
      for (Future<Boolean> result : results) {
        assertTrue(result.get(30, TimeUnit.SECONDS));
      }
    }
  }
}
