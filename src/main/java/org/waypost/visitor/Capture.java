package org.waypost.visitor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands visits from request threads to one background writer, so that capture costs a request only
 * an allocation and a lock-free append. Three things degrade it, all counted in {@code
 * waypost_capture_dropped_total} and none ever slowing or failing a lookup: a full queue ({@code
 * reason="queue-full"}); a saturated machine, on which the writer keeps to a small share of one
 * core and counts the rest as dropped ({@code reason="overload"}); and a day whose keys were
 * destroyed ahead of time ({@code retention run --at} a later instant), whose visits cannot be
 * sealed ({@code reason="day-keys-destroyed"}). Otherwise the writer takes what is queued in
 * batches at least every {@link #FLUSH_MILLIS} ms, so a visit reaches the security log and the
 * aggregates within seconds.
 */
public final class Capture implements AutoCloseable {
  /** Writes a batch of visits. */
  @FunctionalInterface
  public interface Writer {
    /**
     * Records what it can of {@code batch}; returns how many visits it left out because the keys of
     * their day were destroyed.
     */
    int write(List<Visit> batch);
  }

  static final int QUEUE_CAPACITY = 50_000;
  static final int BATCH = 2_000;
  static final long FLUSH_MILLIS = 500;
  private static final Logger log = LoggerFactory.getLogger(Capture.class);

  private final Writer writer;
  private final Counter dropped;
  private final Counter shed;
  private final Counter keysDestroyed;
  private final Counter recorded;
  private final Counter failed;
  private final CpuBudget budget = new CpuBudget();
  private final Handoff<Visit> visits;

  public Capture(Writer writer, MeterRegistry meters) {
    this.writer = writer;
    this.dropped =
        Counter.builder("waypost.capture.dropped")
            .description("Visits not recorded, by reason")
            .tag("reason", "queue-full")
            .register(meters);
    this.shed =
        Counter.builder("waypost.capture.dropped")
            .description("Visits not recorded, by reason")
            .tag("reason", "overload")
            .register(meters);
    this.keysDestroyed =
        Counter.builder("waypost.capture.dropped")
            .description("Visits not recorded, by reason")
            .tag("reason", "day-keys-destroyed")
            .register(meters);
    this.recorded =
        Counter.builder("waypost.capture.recorded").description("Visits recorded").register(meters);
    this.failed =
        Counter.builder("waypost.capture.failed")
            .description("Visits lost because writing their batch failed")
            .register(meters);
    this.visits =
        new Handoff<>("waypost-capture", QUEUE_CAPACITY, BATCH, FLUSH_MILLIS / 10, this::take);
    meters.gauge("waypost.capture.queued", visits, Handoff::queued);
  }

  /** Queues a visit; never blocks. */
  public void offer(Visit visit) {
    if (!visits.offer(visit)) {
      dropped.increment();
    }
  }

  private void take(List<Visit> batch) {
    int written = 0;
    for (int part; written < batch.size(); written += part) {
      part = budget.affordable(batch.size() - written);
      if (part == 0) {
        break;
      }
      List<Visit> slice = batch.subList(written, written + part);
      budget.charge(part, () -> write(slice));
    }
    if (written < batch.size()) {
      shed.increment(batch.size() - written);
    }
  }

  private void write(List<Visit> batch) {
    try {
      int leftOut = writer.write(batch);
      recorded.increment(batch.size() - leftOut);
      keysDestroyed.increment(leftOut);
    } catch (RuntimeException e) {
      failed.increment(batch.size());
      log.error("capture batch failed visits={} error={}", batch.size(), e.getClass().getName());
    }
  }

  /** Waits until every visit queued before this call has been written (or failed). */
  public void flush() {
    visits.flush();
  }

  /** Writes what is queued, then stops the writer. */
  @Override
  public void close() {
    visits.close();
  }

  /**
   * When the machine is saturated, the writer may use only a small share of one core; visits beyond
   * it are counted as dropped. Lookups come first: capture must never be what slows them. Below
   * saturation the budget never binds and every visit is recorded. When saturated, visits are
   * written in small parts, each sized by the cost per visit measured so far, so that one large
   * batch cannot overrun the share.
   */
  static final class CpuBudget {
    static final double SATURATED = 0.85;
    static final double SHARE_WHEN_SATURATED = 0.05;
    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final int MOST_WHEN_SATURATED = 200;

    private final DoubleSupplier load;
    private final LongSupplier threadCpuNanos;
    private final LongSupplier nanoTime;
    private long windowStart;
    private long usedInWindow;
    private long nanosPerVisit = TimeUnit.MICROSECONDS.toNanos(100);
    private double currentLoad;
    private long loadReadAt;

    CpuBudget() {
      this(machineLoad(), threadCpuTime(), System::nanoTime);
    }

    /**
     * @param load the machine's CPU load, 0 to 1
     * @param threadCpuNanos the CPU time the calling thread has used
     * @param nanoTime a monotonic clock
     */
    CpuBudget(DoubleSupplier load, LongSupplier threadCpuNanos, LongSupplier nanoTime) {
      this.load = load;
      this.threadCpuNanos = threadCpuNanos;
      this.nanoTime = nanoTime;
      this.windowStart = nanoTime.getAsLong();
      this.loadReadAt = windowStart - WINDOW_NANOS;
    }

    /**
     * The busier of the machine and this process's own cores. A server confined to fewer cores than
     * the machine has (taskset, a cgroup's cpuset) is saturated when its cores are, however idle
     * the rest of the machine is; the machine's load alone would not show it.
     */
    private static DoubleSupplier machineLoad() {
      var os =
          java.lang.management.ManagementFactory.getPlatformMXBean(
              com.sun.management.OperatingSystemMXBean.class);
      if (os == null) {
        return () -> 0;
      }
      OwnCores own = new OwnCores(os::getProcessCpuTime, System::nanoTime);
      return () -> Math.max(os.getCpuLoad(), own.load());
    }

    /** The share of the cores this process may run on that it used since the last reading. */
    static final class OwnCores {
      private final LongSupplier processCpuNanos;
      private final LongSupplier nanoTime;
      private long lastCpu;
      private long lastTime;

      OwnCores(LongSupplier processCpuNanos, LongSupplier nanoTime) {
        this.processCpuNanos = processCpuNanos;
        this.nanoTime = nanoTime;
        this.lastCpu = processCpuNanos.getAsLong();
        this.lastTime = nanoTime.getAsLong();
      }

      double load() {
        long cpu = processCpuNanos.getAsLong();
        long now = nanoTime.getAsLong();
        long wall = now - lastTime;
        if (wall <= 0 || cpu < 0) {
          return 0;
        }
        double share = (double) (cpu - lastCpu) / wall / Runtime.getRuntime().availableProcessors();
        lastCpu = cpu;
        lastTime = now;
        return Math.min(1, share);
      }
    }

    private static LongSupplier threadCpuTime() {
      var threads = java.lang.management.ManagementFactory.getThreadMXBean();
      return threads::getCurrentThreadCpuTime;
    }

    /** How many of {@code wanted} visits may be written now (0: drop them). */
    int affordable(int wanted) {
      long now = nanoTime.getAsLong();
      if (now - windowStart >= WINDOW_NANOS) {
        windowStart = now;
        usedInWindow = 0;
      }
      if (now - loadReadAt >= WINDOW_NANOS / 4) {
        loadReadAt = now;
        currentLoad = load.getAsDouble();
      }
      if (currentLoad < SATURATED) {
        return wanted;
      }
      long left = (long) (SHARE_WHEN_SATURATED * WINDOW_NANOS) - usedInWindow;
      if (left <= 0) {
        return 0;
      }
      long fits = Math.max(1, left / nanosPerVisit);
      return (int) Math.min(wanted, Math.min(fits, MOST_WHEN_SATURATED));
    }

    /** Runs {@code work}, which writes {@code visits} visits, and charges its CPU time. */
    void charge(int visits, Runnable work) {
      long before = threadCpuNanos.getAsLong();
      work.run();
      long used = threadCpuNanos.getAsLong() - before;
      usedInWindow += used;
      if (visits > 0) {
        nanosPerVisit = Math.max(1, (3 * nanosPerVisit + used / visits) / 4);
      }
    }
  }
}
