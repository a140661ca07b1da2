package io.memolock.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's examples are the tests that run: the printed code cannot drift from them. */
class ReadmeSnippetTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Path SOURCES = Path.of("src", "test", "java", "io", "memolock", "examples");

  @Test
  void theTestingYourOwnServiceSectionPrintsReportServicePropertiesAsItRuns() throws IOException {
    String region = region(SOURCES.resolve("ReportServiceProperties.java"), "testing-your-own-service");
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    assertTrue(
        readme.contains("```java\n" + region + "```\n"),
        "README.md must print, in one ```java block, exactly:\n" + region);
  }

  /** The lines between {@code // README: <name>} and {@code // README: end}, each ending with a newline. */
  private static String region(Path source, String name) throws IOException {
    List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
    int start = lines.indexOf("// README: " + name);
    int end = lines.indexOf("// README: end");
    assertTrue(start >= 0 && end > start, source + " has no region " + name);
    StringBuilder region = new StringBuilder();
    for (String line : lines.subList(start + 1, end)) {
      region.append(line).append('\n');
    }
    return region.toString();
  }
}
