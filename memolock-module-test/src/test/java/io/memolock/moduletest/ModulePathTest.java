package io.memolock.moduletest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memolock.testkit.TestRedis;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link ModuleConsumer} in a child JVM whose only path is the module path: the library modules' jars (in a
 * full build) and their dependencies, as an application on the module path would see them. Surefire runs every
 * other test of the build on the class path ({@code useModulePath=false}), so this is the test that the module
 * descriptors work: resolution, {@code requires transitive}, the qualified export of the engine package, strong
 * encapsulation of it, and the release 17 {@code module-info.class} read by the JDK >= 21 that runs the tests.
 */
class ModulePathTest {

  private static final long TIMEOUT_SECONDS = 120;

  @Test
  void aConsumerOnTheModulePathRunsAGetAgainstRealRedis() throws Exception {
    TestRedis redis = TestRedis.shared();
    List<String> modulePath = new ArrayList<>();
    modulePath.add(property("moduletest.consumer"));
    modulePath.addAll(Arrays.asList(property("moduletest.modulePath").split(File.pathSeparator)));

    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command =
        List.of(
            java,
            "-XX:TieredStopAtLevel=1",
            "--module-path",
            String.join(File.pathSeparator, modulePath),
            "--module",
            "io.memolock.moduletest/io.memolock.moduletest.ModuleConsumer",
            redis.host(),
            Integer.toString(redis.port()));
    Path output = Files.createTempFile("memolock-module-test-", ".out");
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
      boolean exited = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!exited) {
        process.destroyForcibly().waitFor();
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      String context = "command: " + command + "\noutput:\n" + text;
      System.out.println(context); // kept in target/surefire-reports
      assertTrue(exited, "the consumer did not finish in " + TIMEOUT_SECONDS + " s\n" + context);
      assertEquals(0, process.exitValue(), context);

      Map<String, String> seen = parse(text);
      assertEquals("io.memolock.moduletest", seen.get("consumer.module"), context);
      assertEquals("io.memolock", seen.get("api.module"), context);
      assertEquals("io.memolock.redis.strings", seen.get("strings.module"), context);
      assertEquals("redis.clients.jedis", seen.get("jedis.module"), context);
      assertEquals("false", seen.get("api.automatic"), "io.memolock has a real descriptor\n" + context);
      assertEquals(
          "io.memolock;io.memolock.internal to io.memolock.local;io.memolock.spi", seen.get("api.exports"), context);
      assertEquals("false", seen.get("internal.exportedToConsumer"), context);
      assertEquals("false", seen.get("internal.accessible"), "the engine package is encapsulated\n" + context);
      assertEquals("", seen.get("classpath"), "nothing on the class path\n" + context);
      assertEquals("computed on the module path", seen.get("get.computed"), context);
      assertEquals("computed on the module path", seen.get("get.hit"), context);
      assertEquals("computed on the module path", seen.get("get.present"), context);
      assertEquals("1", seen.get("metrics.computations"), context);
      assertEquals("true", seen.get("done"), context);
      assertTrue(Runtime.version().feature() >= 21, "the consumer runs on the test JDK: " + Runtime.version());

      // In a full build (./mvnw verify) the library modules are jars: the jar tool recorded the module version,
      // and the descriptor inside is release 17 (class file 61), read above by a JDK >= 21.
      String apiJar =
          modulePath.stream().filter(p -> p.matches(".*memolock-api[^" + File.separator + "]*\\.jar")).findFirst()
              .orElse(null);
      if (apiJar != null) {
        assertEquals(property("moduletest.version"), seen.get("api.version"), "the jar records the module version");
        assertEquals(61, moduleInfoMajorVersion(Path.of(apiJar)), "module-info.class of " + apiJar);
      }
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank() || value.startsWith("${")) {
      throw new IllegalStateException(name + " is not set: run this test through Maven (see the module's pom)");
    }
    return value;
  }

  private static Map<String, String> parse(String text) {
    Map<String, String> seen = new LinkedHashMap<>();
    for (String line : text.split("\\R")) {
      int eq = line.indexOf('=');
      if (eq > 0 && line.substring(0, eq).matches("[a-zA-Z.]+")) {
        seen.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return seen;
  }

  private static int moduleInfoMajorVersion(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      ZipEntry entry = file.getEntry("module-info.class");
      try (InputStream in = file.getInputStream(entry);
          DataInputStream data = new DataInputStream(in)) {
        data.readInt(); // magic
        data.readUnsignedShort(); // minor
        return data.readUnsignedShort();
      }
    }
  }
}
