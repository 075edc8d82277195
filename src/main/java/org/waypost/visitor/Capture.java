package org.waypost.visitor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands visits from request threads to one background writer. The queue is bounded: when the writer
 * falls behind, visits are counted as dropped ({@code waypost_capture_dropped_total}) rather than
 * slowing or failing a lookup. The writer takes what is queued in batches and flushes at least
 * every {@link #FLUSH_MILLIS} ms, so a visit reaches the security log and the aggregates within
 * seconds.
 */
public final class Capture implements AutoCloseable {
  static final int QUEUE_CAPACITY = 50_000;
  static final int BATCH = 2_000;
  static final long FLUSH_MILLIS = 500;
  private static final Logger log = LoggerFactory.getLogger(Capture.class);

  private final BlockingQueue<Visit> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Consumer<List<Visit>> writer;
  private final Counter dropped;
  private final Counter recorded;
  private final Counter failed;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong finished = new AtomicLong();
  private final Thread worker;
  private volatile boolean running = true;

  public Capture(Consumer<List<Visit>> writer, MeterRegistry meters) {
    this.writer = writer;
    this.dropped =
        Counter.builder("waypost.capture.dropped")
            .description("Visits not recorded because the capture queue was full")
            .register(meters);
    this.recorded =
        Counter.builder("waypost.capture.recorded").description("Visits recorded").register(meters);
    this.failed =
        Counter.builder("waypost.capture.failed")
            .description("Visits lost because writing their batch failed")
            .register(meters);
    meters.gauge("waypost.capture.queued", queue, BlockingQueue::size);
    this.worker = Thread.ofPlatform().name("waypost-capture").daemon(true).start(this::run);
  }

  /** Queues a visit; never blocks. */
  public void offer(Visit visit) {
    if (queue.offer(visit)) {
      accepted.incrementAndGet();
    } else {
      dropped.increment();
    }
  }

  private void run() {
    List<Visit> batch = new ArrayList<>(BATCH);
    while (running || !queue.isEmpty()) {
      try {
        Visit first = queue.poll(FLUSH_MILLIS, TimeUnit.MILLISECONDS);
        if (first != null) {
          batch.add(first);
          queue.drainTo(batch, BATCH - 1);
          write(batch);
        }
      } catch (InterruptedException e) {
        running = false;
      } finally {
        finished.addAndGet(batch.size());
        batch.clear();
      }
    }
  }

  private void write(List<Visit> batch) {
    try {
      writer.accept(batch);
      recorded.increment(batch.size());
    } catch (RuntimeException e) {
      failed.increment(batch.size());
      log.error("capture batch failed visits={} error={}", batch.size(), e.getClass().getName());
    }
  }

  /** Waits until every visit queued before this call has been written (or failed). */
  public void flush() {
    long target = accepted.get();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (finished.get() < target && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Writes what is queued, then stops the writer. */
  @Override
  public void close() {
    running = false;
    try {
      worker.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
