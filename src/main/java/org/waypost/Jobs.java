package org.waypost;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waypost.abuse.Blocks;
import org.waypost.console.Sessions;
import org.waypost.governance.AuditLog;
import org.waypost.retention.Retention;

/**
 * What a serving node does on its own schedule, on one platform thread: retention at start and
 * every 15 minutes (the key of each new day is made on first use), block refreshes, audit
 * checkpoints and the purge of expired console sessions. A failing run is logged by its class and
 * tried again at the next period.
 */
final class Jobs implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Jobs.class);

  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("waypost-scheduler").daemon(true).unstarted(r));

  private Jobs() {}

  static Jobs start(
      Clock clock, Retention retention, Blocks blocks, AuditLog audit, Sessions sessions) {
    Jobs jobs = new Jobs();
    jobs.every(
        Duration.ofSeconds(30),
        Duration.ofSeconds(30),
        "blocks",
        () -> blocks.refresh(clock.instant()));
    jobs.every(
        Duration.ofMinutes(1),
        Duration.ofMinutes(1),
        "audit-checkpoint",
        audit::checkpointWhenPossible);
    jobs.every(Duration.ofMinutes(15), Duration.ofMinutes(15), "sessions", sessions::purgeExpired);
    // The block index lets go of destroyed days' keys at once rather than at its next refresh.
    jobs.every(
        Duration.ZERO,
        Duration.ofMinutes(15),
        "retention",
        () -> {
          retention.run(clock.instant());
          blocks.refresh(clock.instant());
        });
    return jobs;
  }

  /** Runs {@code task} first after {@code firstDelay}, then {@code period} after each run ends. */
  private void every(Duration firstDelay, Duration period, String name, Runnable task) {
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            log.error("scheduled task failed task={} error={}", name, e.getClass().getName());
          }
        },
        firstDelay.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
