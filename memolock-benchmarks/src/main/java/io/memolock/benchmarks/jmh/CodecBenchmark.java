package io.memolock.benchmarks.jmh;

import io.memolock.redis.strings.StringStorage;
import io.memolock.spi.Codec;
import io.memolock.spi.Storage;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The codecs' costs, next to the plain JDK conversions they wrap: strict UTF-8 (which reports
 * malformed input instead of replacing it) against {@code String.getBytes}/{@code new String}, raw
 * bytes (defensive copies), and the Strings storage's encoding (codec plus the write record).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {

  /** Value size in characters (ASCII) or bytes. */
  @Param({"16", "1024", "65536"})
  public int size;

  /** Whether the text is ASCII or mixed with multi-byte characters. */
  @Param({"ascii", "mixed"})
  public String text;

  private final Codec<String> utf8 = Codec.utf8();
  private final Codec<byte[]> bytes = Codec.bytes();
  private final Storage<String> strings = StringStorage.utf8();
  private String value;
  private byte[] encoded;

  /** Builds the value. */
  @Setup
  public void setUp() {
    String unit = text.equals("ascii") ? "abcdefgh" : "aé€😀bcd";
    StringBuilder b = new StringBuilder(size + 8);
    while (b.length() < size) {
      b.append(unit);
    }
    value = b.substring(0, size);
    if (Character.isHighSurrogate(value.charAt(value.length() - 1))) {
      value = value.substring(0, value.length() - 1) + "x";
    }
    encoded = value.getBytes(StandardCharsets.UTF_8);
  }

  /** @return strict UTF-8 encoding */
  @Benchmark
  public byte[] utf8Encode() {
    return utf8.encode(value);
  }

  /** @return the JDK's lenient encoding, the floor */
  @Benchmark
  public byte[] jdkGetBytes() {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  /** @return strict UTF-8 decoding */
  @Benchmark
  public String utf8Decode() {
    return utf8.decode(encoded);
  }

  /** @return the JDK's lenient decoding, the floor */
  @Benchmark
  public String jdkNewString() {
    return new String(encoded, StandardCharsets.UTF_8);
  }

  /** @return the raw-bytes codec's encoding (a copy) */
  @Benchmark
  public byte[] bytesEncode() {
    return bytes.encode(encoded);
  }

  /** @return the raw-bytes codec's decoding (a copy) */
  @Benchmark
  public byte[] bytesDecode() {
    return bytes.decode(encoded);
  }

  /** @return the Strings storage's encoding (codec + write record) */
  @Benchmark
  public Storage.Write stringStorageEncode() {
    return strings.encode(value);
  }
}
