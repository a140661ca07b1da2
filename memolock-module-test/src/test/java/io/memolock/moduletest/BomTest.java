package io.memolock.moduletest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * memolock-bom lists exactly the published modules (every module of the root pom that is a jar and is not {@code
 * maven.deploy.skip}), at the parent's version, and every published module has a module descriptor. Guards against
 * a new module that is published but missing from the BOM, or the other way round.
 */
class BomTest {

  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
  private static final Pattern ARTIFACT = Pattern.compile("<artifactId>([^<]+)</artifactId>");

  @Test
  void theBomListsExactlyThePublishedModules() throws IOException {
    Path root = Path.of(System.getProperty("moduletest.rootDir", "..")).toAbsolutePath().normalize();
    String parent = Files.readString(root.resolve("pom.xml"));
    Set<String> published = new TreeSet<>();
    for (String module : all(MODULE, withoutComments(parent))) {
      String pom = withoutComments(Files.readString(root.resolve(module).resolve("pom.xml")));
      if (pom.contains("<packaging>pom</packaging>") || pom.contains("<maven.deploy.skip>true</maven.deploy.skip>")) {
        continue;
      }
      published.add(module);
      assertTrue(
          Files.exists(root.resolve(module).resolve("src/main/java/module-info.java")),
          module + " is published, so it has a module-info.java");
    }

    String bom = withoutComments(Files.readString(root.resolve("memolock-bom/pom.xml")));
    String managed = bom.substring(bom.indexOf("<dependencyManagement>"), bom.indexOf("</dependencyManagement>"));
    assertEquals(published, new TreeSet<>(all(ARTIFACT, managed)), "memolock-bom/pom.xml <dependencyManagement>");
    assertEquals(version(parent), version(bom), "the BOM's version is the parent's");
    assertTrue(published.contains("memolock-api") && published.contains("memolock-redis-strings"), "" + published);
  }

  private static String version(String pom) {
    String head = pom.substring(0, pom.indexOf("<properties>"));
    Matcher m = Pattern.compile("</artifactId>\\s*<version>([^<]+)</version>").matcher(head);
    String last = null;
    while (m.find()) {
      last = m.group(1); // the project's own version comes after the parent's, if any
    }
    return last;
  }

  private static String withoutComments(String xml) {
    return xml.replaceAll("(?s)<!--.*?-->", "");
  }

  private static List<String> all(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(1).strip());
    }
    return found;
  }
}
