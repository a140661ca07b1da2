package io.memolock.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.memolock.CodecException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class CodecTest {

  @Property
  void utf8RoundTripsEveryWellFormedString(@ForAll String any) {
    String s = wellFormed(any);
    assertEquals(s, Codec.utf8().decode(Codec.utf8().encode(s)));
  }

  @Test
  void utf8RefusesUnpairedSurrogatesAndMalformedBytes() {
    assertThrows(CodecException.class, () -> Codec.utf8().encode("a\uD800b"));
    assertThrows(CodecException.class, () -> Codec.utf8().decode(new byte[] {(byte) 0xC3, 0x28}));
    assertThrows(CodecException.class, () -> Codec.utf8().decode(new byte[] {(byte) 0xFF}));
  }

  @Property
  void bytesRoundTripAndCopy(@ForAll byte[] bytes) {
    byte[] encoded = Codec.bytes().encode(bytes);
    assertArrayEquals(bytes, Codec.bytes().decode(encoded));
    assertNotSame(bytes, encoded);
  }

  @Test
  void classicSchemeNamesAreTheOriginalOnes() {
    KeyScheme.Keys k = KeyScheme.classic().keys("likes", "kristoff");
    assertEquals(new KeyScheme.Keys("likes:kristoff", "likes/lock:kristoff",
        "likes/notif:kristoff", "likes/fail:kristoff"), k);
  }

  /** Drops unpaired surrogates, keeping every well-formed code point. */
  private static String wellFormed(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else if (!Character.isSurrogate(c)) {
        out.append(c);
      }
    }
    return out.toString();
  }
}
