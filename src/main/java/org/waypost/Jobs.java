package org.waypost;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waypost.abuse.Blocks;
import org.waypost.console.Sessions;
import org.waypost.db.Database;
import org.waypost.governance.AuditLog;
import org.waypost.nodes.Heartbeats;
import org.waypost.retention.Retention;

/**
 * What a serving node does on its own schedule, on one platform thread: retention at start and
 * every 15 minutes (the key of each new day is made on first use), block refreshes, audit
 * checkpoints and the purge of expired console sessions; the last three one node at a time when
 * nodes share a PostgreSQL database. A failing run is logged by its class and tried again at the
 * next period.
 *
 * <p>Each job's last success is a metric, {@code waypost_job_last_success_seconds{job}} (epoch
 * seconds by the application's clock, present from the job's first success), so that an alert can
 * say "retention has not succeeded for an hour" whatever the reason: a failure logged every 15
 * minutes is easy to miss, a timestamp that stops moving is not.
 */
final class Jobs implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Jobs.class);

  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("waypost-scheduler").daemon(true).unstarted(r));

  private final Clock clock;
  private final MeterRegistry meters;
  private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();

  private Jobs(Clock clock, MeterRegistry meters) {
    this.clock = clock;
    this.meters = meters;
  }

  static Jobs start(
      Clock clock,
      MeterRegistry meters,
      Database database,
      Retention retention,
      Blocks blocks,
      AuditLog audit,
      Sessions sessions,
      Runnable keyDestructions,
      Runnable heartbeat) {
    Jobs jobs = new Jobs(clock, meters);
    jobs.every(Heartbeats.EVERY, Heartbeats.EVERY, "heartbeat", heartbeat);
    // a day destroyed by another node is shredded here too within a minute (KeyFolderLedger)
    jobs.every(Duration.ofSeconds(30), Duration.ofSeconds(30), "key-destructions", keyDestructions);
    jobs.every(
        Duration.ofSeconds(30),
        Duration.ofSeconds(30),
        "blocks",
        () -> blocks.refresh(clock.instant()));
    // The jobs below change shared data, so one node at a time runs each (a PostgreSQL advisory
    // lock); a node that finds one running skips its turn, which counts as done: the work was.
    jobs.everyWithOutcome(
        Duration.ofMinutes(1),
        Duration.ofMinutes(1),
        "audit-checkpoint",
        () ->
            database
                .exclusively("audit-checkpoint", audit::checkpointWhenPossible) // it logs why not
                .orElse(true));
    jobs.every(
        Duration.ofMinutes(15),
        Duration.ofMinutes(15),
        "sessions",
        () -> database.exclusively("sessions", sessions::purgeExpired));
    // The block index lets go of destroyed days' keys at once rather than at its next refresh.
    jobs.every(
        Duration.ZERO,
        Duration.ofMinutes(15),
        "retention",
        () -> {
          retention.runUnlessRunning(clock.instant());
          blocks.refresh(clock.instant());
        });
    return jobs;
  }

  /** Runs {@code task} first after {@code firstDelay}, then {@code period} after each run ends. */
  private void every(Duration firstDelay, Duration period, String name, Runnable task) {
    everyWithOutcome(
        firstDelay,
        period,
        name,
        () -> {
          task.run();
          return true;
        });
  }

  /** {@link #every(Duration, Duration, String, Runnable)} for a task that says if it succeeded. */
  private void everyWithOutcome(
      Duration firstDelay, Duration period, String name, BooleanSupplier task) {
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            if (task.getAsBoolean()) {
              succeeded(name);
            }
          } catch (RuntimeException e) {
            log.error("scheduled task failed task={} error={}", name, e.getClass().getName());
          }
        },
        firstDelay.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void succeeded(String job) {
    lastSuccess
        .computeIfAbsent(
            job,
            name -> {
              AtomicLong at = new AtomicLong();
              Gauge.builder("waypost.job.last.success", at, AtomicLong::get)
                  .description("When the job last succeeded, in seconds since the epoch")
                  .baseUnit("seconds")
                  .tag("job", name)
                  .strongReference(true)
                  .register(meters);
              return at;
            })
        .set(clock.instant().getEpochSecond());
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
