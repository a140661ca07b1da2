package io.memolock.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo's external producers: {@link StemmerProducer} processes started by the lock winner of
 * {@code /ext/stemmer/{word}}, with this JVM's java binary and class path, their output relayed to
 * the demo's log. Thread-safe.
 */
final class ProducerProcesses {
  private final URI redis;
  private final PrintStream log;
  private final Set<Process> running = ConcurrentHashMap.newKeySet();

  /**
   * @param redis the Redis the producers write to
   * @param log where their output goes
   */
  ProducerProcesses(URI redis, PrintStream log) {
    this.redis = redis;
    this.log = log;
  }

  /** Starts {@link StemmerProducer} for one word. */
  void start(String word) throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command =
        List.of(
            java,
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            StemmerProducer.class.getName(),
            redis.toString(),
            word,
            "10000");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    running.add(process);
    // Relay the producer's output through this JVM's System.out (not the inherited descriptor), so
    // it lands wherever this process's output is captured.
    Thread.ofVirtual()
        .name("producer-output-" + process.pid())
        .start(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                lines.lines().forEach(log::println);
              } catch (IOException | UncheckedIOException e) {
                // the producer is gone
              }
            });
    process
        .onExit()
        .thenAccept(
            p -> {
              running.remove(p);
              if (p.exitValue() != 0) {
                log.printf("(ext/stemmer/%s) producer exited with code %d%n", word, p.exitValue());
              }
            });
  }

  /** Stops every producer still running. */
  void destroyAll() {
    List.copyOf(running).forEach(Process::destroy);
  }
}
