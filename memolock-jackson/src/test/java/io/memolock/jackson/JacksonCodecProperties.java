package io.memolock.jackson;

import io.memolock.CodecException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** No input bytes make the codec throw anything but a CodecException (brief, section 10). */
class JacksonCodecProperties {

  record Report(String name, int pages, List<String> authors) {}

  private static final JacksonCodec<Report> REPORTS = JacksonCodec.of(Report.class);
  private static final JacksonCodec<Object> ANY = JacksonCodec.of(Object.class);

  /** Decodes, and fails the property on any throwable that is not a CodecException. */
  private static void decodeOrCodecException(JacksonCodec<?> codec, byte[] bytes) {
    try {
      Object value = codec.decode(bytes);
      if (value == null) {
        throw new AssertionError("decode returned null");
      }
    } catch (CodecException expected) {
      if (expected.getMessage() == null || expected.getMessage().isEmpty()) {
        throw new AssertionError("a CodecException without a message", expected);
      }
    }
  }

  @Property(tries = 500)
  void randomBytes(@ForAll @Size(max = 300) byte[] bytes) {
    decodeOrCodecException(REPORTS, bytes);
    decodeOrCodecException(ANY, bytes);
  }

  @Property(tries = 500)
  void truncatedOrMutatedValidJson(
      @ForAll("reports") Report report, @ForAll @IntRange(min = 0, max = 200) int cut, @ForAll byte noise) {
    byte[] valid = REPORTS.encode(report);
    byte[] truncated = Arrays.copyOf(valid, Math.min(cut, valid.length));
    decodeOrCodecException(REPORTS, truncated);
    decodeOrCodecException(ANY, truncated);
    byte[] mutated = valid.clone();
    mutated[cut % mutated.length] = noise;
    decodeOrCodecException(REPORTS, mutated);
    decodeOrCodecException(ANY, mutated);
  }

  @Property(tries = 100)
  void deeplyNestedJson(
      @ForAll @IntRange(min = 1, max = 50_000) int depth, @ForAll("openers") String opener, @ForAll boolean closed) {
    String close = opener.equals("[") ? "]" : "}";
    String open = opener.equals("[") ? "[" : "{\"a\":";
    String text = open.repeat(depth) + (opener.equals("[") ? "" : "1") + (closed ? close.repeat(depth) : "");
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    decodeOrCodecException(REPORTS, bytes);
    decodeOrCodecException(ANY, bytes);
  }

  @Provide
  Arbitrary<Report> reports() {
    return net.jqwik.api.Combinators.combine(
            Arbitraries.strings().ofMaxLength(20),
            Arbitraries.integers(),
            Arbitraries.strings().ofMaxLength(5).list().ofMaxSize(3))
        .as(Report::new);
  }

  @Provide
  Arbitrary<String> openers() {
    return Arbitraries.of("[", "{");
  }
}
