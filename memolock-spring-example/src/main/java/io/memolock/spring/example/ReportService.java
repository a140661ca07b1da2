package io.memolock.spring.example;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * The slow service: {@code @Cacheable(sync = true)} on MemoLock computes each report once across
 * every instance sharing the Redis. Thread-safe.
 */
@Service
public class ReportService {
  private final AtomicLong computations = new AtomicLong();

  /** Created by Spring. */
  public ReportService() {}

  /**
   * @param id the report id
   * @return the report, after half a second of "work" when it is not cached
   * @throws InterruptedException if interrupted while working
   */
  @Cacheable(cacheNames = "reports", sync = true)
  public Report report(String id) throws InterruptedException {
    computations.incrementAndGet();
    Thread.sleep(500);
    return new Report(id, "the report on " + id, Instant.now(), ProcessHandle.current().pid());
  }

  /** @return computations this process ran */
  public long computations() {
    return computations.get();
  }
}
