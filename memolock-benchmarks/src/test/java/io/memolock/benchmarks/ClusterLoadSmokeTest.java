package io.memolock.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The load runner's {@code --cluster} path at tiny sizes on the testkit's real local cluster (3
 * primaries + 3 replicas): the contenders find their prewarmed values under their own key scheme,
 * and the per-node and per-instance counts are read. It measures nothing.
 */
@Timeout(120)
class ClusterLoadSmokeTest {
  private static ClusterTarget cluster;
  private static ScenarioRunner runner;

  @BeforeAll
  static void start() {
    cluster = ClusterTarget.start();
    runner = new ScenarioRunner(cluster, Duration.ofSeconds(30), 0, true);
  }

  @Test
  void everyContenderReadsItsPrewarmedValuesOnEveryPrimary() throws Exception {
    Scenario spread =
        new Scenario("hot-hit-spread", "tiny", 1, 8, 400, 200, "uniform", 0, true);
    for (Contender c : Contender.values()) {
      Run r = runner.runOnce(spread, c, 1);
      assertEquals(400, r.done(), r.describe());
      assertEquals(0, r.errors(), r.describe());
      assertEquals(0, r.computations(), "every value was prewarmed under its key: " + r.describe());
      assertEquals(3, r.cluster().commandsPerNode().size(), r.cluster().toString());
      assertTrue(r.cluster().commandsPerNode().values().stream().allMatch(n -> n > 0),
          "200 ids spread over every primary: " + r.cluster().commandsPerNode());
    }
  }

  @Test
  void aClusterStampedeComputesOnceAndNotifiesBySpublishOnly() throws Exception {
    Scenario stampede =
        new Scenario("cold-stampede", "tiny", 4, 200, 200, 1, "one", 100_000, false);
    Run r = runner.runOnce(stampede, Contender.MEMOLOCK, 1);
    assertEquals(200, r.done(), r.describe());
    assertEquals(0, r.errors(), r.describe());
    assertEquals(1, r.computations(), r.describe());
    assertEquals(0, r.cluster().publishes(), "no classic PUBLISH on a cluster");
    assertTrue(r.cluster().spublishes() >= 1, "the value is announced by SPUBLISH");
    assertEquals(4, r.cluster().received().size());
  }
}
