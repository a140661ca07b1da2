package io.memolock.spring.example;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /reports/{id}}: one report; {@code GET /reports/{id}/stampede?callers=200}: that many
 * concurrent calls of the cached method for one id, and how many computations they caused.
 * Thread-safe.
 */
@RestController
public class ReportController {
  private final ReportService reports;

  /** @param reports the cached service */
  public ReportController(ReportService reports) {
    this.reports = reports;
  }

  /**
   * @param id the report id
   * @return the report
   * @throws InterruptedException if interrupted
   */
  @GetMapping("/reports/{id}")
  public Report report(@PathVariable("id") String id) throws InterruptedException {
    return reports.report(id);
  }

  /**
   * @param id the report id
   * @param callers concurrent callers, 1 to 10,000
   * @return the callers, the computations they caused in this process, and the time taken
   * @throws InterruptedException if interrupted
   */
  @GetMapping("/reports/{id}/stampede")
  public Map<String, Object> stampede(@PathVariable("id") String id, @RequestParam(name = "callers", defaultValue = "200") int callers)
      throws InterruptedException {
    int n = Math.clamp(callers, 1, 10_000);
    long before = reports.computations();
    long started = System.nanoTime();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      threads.add(Thread.ofVirtual().start(() -> {
        try {
          go.await();
          reports.report(id);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("callers", n);
    result.put("computations", reports.computations() - before);
    result.put("millis", (System.nanoTime() - started) / 1_000_000);
    return result;
  }
}
