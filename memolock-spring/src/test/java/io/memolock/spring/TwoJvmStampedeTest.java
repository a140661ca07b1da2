package io.memolock.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.memolock.testkit.TestRedis;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two Spring application contexts in two JVMs on one Redis, each calling a {@code @Cacheable(sync
 * = true)} method 100 times at once (200 calls in all): with MemoLock, one key is computed once and
 * 50 keys 50 times. spring-data-redis's {@code RedisCacheManager} (non-locking and locking
 * writers, "redis" and "redis-locking") runs the same calls in the same JVMs for comparison: its
 * figures are printed, not asserted.
 */
class TwoJvmStampedeTest {
  private static final TestRedis REDIS = TestRedis.shared();

  /** A child JVM and its pipes. */
  private record Child(Process process, BufferedReader out, Writer in) {
    void send(String line) throws Exception {
      in.write(line + "\n");
      in.flush();
    }

    int[] await(String prefix) throws Exception {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith(prefix)) {
          String[] w = line.split(" ");
          int[] numbers = new int[w.length - 1];
          for (int i = 1; i < w.length; i++) {
            numbers[i - 1] = Integer.parseInt(w[i]);
          }
          return numbers;
        }
        System.out.println("child: " + line);
      }
      throw new AssertionError("the child exited before " + prefix + ": " + process.waitFor());
    }
  }

  private static Child start(String prefix) throws Exception {
    Process p =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                "-Xshare:auto",
                "-XX:TieredStopAtLevel=1",
                "-Dmemolock.child.host=" + REDIS.host(),
                "-Dmemolock.child.port=" + REDIS.port(),
                "-Dmemolock.child.prefix=" + prefix,
                SpringStampedeChild.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    return new Child(
        p,
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)),
        new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8));
  }

  /** Runs one round on both children at once; @return total computations and the slower child's ms */
  private static int[] round(List<Child> children, String manager, String tag, int keys) throws Exception {
    for (int i = 0; i < children.size(); i++) {
      children.get(i).send("RUN " + manager + " " + tag + " 100 " + keys + " " + i);
    }
    int computations = 0;
    int millis = 0;
    for (Child c : children) {
      int[] done = c.await("DONE");
      assertThat(done[1]).as("calls that failed or returned a wrong value").isZero();
      computations += done[0];
      millis = Math.max(millis, done[2]);
    }
    return new int[] {computations, millis};
  }

  @Test
  void cacheableSyncComputesOncePerKeyAcrossTwoJvms() throws Exception {
    long started = System.nanoTime();
    String prefix = "stampede-" + System.nanoTime() + ".";
    List<Child> children = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        children.add(start(prefix));
      }
      for (Child c : children) {
        c.await("READY");
      }
      long ready = System.nanoTime();
      StringBuilder report = new StringBuilder("200 @Cacheable(sync = true) calls over two JVMs (50 ms computation):\n");
      int[][] memolock = null;
      for (String manager : List.of("memolock", "redis", "redis-locking")) {
        int[][] rounds = {round(children, manager, "one", 1), round(children, manager, "fifty", 50)};
        report.append(String.format("  %-14s 1 key -> %3d computations (%5d ms), 50 keys -> %3d computations (%5d ms)%n",
            manager, rounds[0][0], rounds[0][1], rounds[1][0], rounds[1][1]));
        if (manager.equals("memolock")) {
          memolock = rounds;
        }
      }
      report.append(String.format("  (JVMs ready in %d ms, rounds %d ms)%n",
          (ready - started) / 1_000_000, (System.nanoTime() - ready) / 1_000_000));
      System.out.print(report);
      assertThat(memolock[0][0]).as("computations of one key over two JVMs").isEqualTo(1);
      assertThat(memolock[1][0]).as("computations of 50 keys over two JVMs").isEqualTo(50);
    } finally {
      for (Child c : children) {
        c.in().close();
        if (!c.process().waitFor(20, TimeUnit.SECONDS)) {
          c.process().destroyForcibly();
        }
      }
    }
  }

}
