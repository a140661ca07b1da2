package io.memolock.storage.conformance;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/** Generators of well-formed Unicode text (no unpaired surrogates), which strict UTF-8 encodes. */
public final class Texts {
  private Texts() {}

  /**
   * @param maxLength the most code points
   * @return text mixing ASCII (control characters included), other BMP characters and
   *     supplementary characters such as emoji; sometimes empty
   */
  public static Arbitrary<String> unicode(int maxLength) {
    Arbitrary<Integer> codePoint =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.integers().between(0, 0x7F)),
            Tuple.of(3, Arbitraries.integers().between(0x80, 0xFFFD).filter(Texts::notSurrogate)),
            Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10FFFF)));
    return codePoint.list().ofMaxSize(maxLength).map(Texts::fromCodePoints);
  }

  private static boolean notSurrogate(int cp) {
    return cp < 0xD800 || cp > 0xDFFF;
  }

  private static String fromCodePoints(List<Integer> codePoints) {
    StringBuilder text = new StringBuilder();
    codePoints.forEach(text::appendCodePoint);
    return text.toString();
  }
}
