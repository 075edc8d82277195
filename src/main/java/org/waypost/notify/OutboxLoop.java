package org.waypost.notify;

import java.time.Duration;
import java.util.function.IntSupplier;
import org.slf4j.Logger;

/**
 * The background thread of an outbox sender: runs a round, and when a round found nothing, waits
 * for the poll interval or a {@link #wake} (a new row is often known to be due at once). A sender
 * that must leave the machine to others (webhooks beside scan ingestion) rests after a busy round
 * in proportion to how long it took.
 */
final class OutboxLoop implements AutoCloseable {
  private final Object wake = new Object();
  private volatile boolean running;
  private Thread thread;

  /** Starts {@code round} (which answers how much it did) on a daemon thread named {@code name}. */
  void start(String name, Duration pollInterval, IntSupplier round, Logger log) {
    start(name, pollInterval, round, log, 0, Duration.ZERO);
  }

  /**
   * The same, resting after each round that did something for {@code restPerBusy} times as long as
   * it took, at most {@code maxRest}.
   */
  void start(
      String name,
      Duration pollInterval,
      IntSupplier round,
      Logger log,
      double restPerBusy,
      Duration maxRest) {
    running = true;
    thread =
        Thread.ofPlatform()
            .name(name)
            .daemon(true)
            .start(
                () -> {
                  while (running) {
                    int done = 0;
                    long started = System.nanoTime();
                    try {
                      done = round.getAsInt();
                    } catch (RuntimeException e) {
                      log.warn("{} round failed error={}", name, e.getClass().getName());
                    }
                    if (done == 0) {
                      pause(pollInterval);
                    } else if (restPerBusy > 0) {
                      long busy = System.nanoTime() - started;
                      pause(
                          Duration.ofNanos(
                              Math.min(maxRest.toNanos(), (long) (busy * restPerBusy))));
                    }
                  }
                });
  }

  /** Asks the loop to run a round now rather than at its next poll. */
  void wake() {
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  private void pause(Duration pollInterval) {
    if (pollInterval.toMillis() <= 0) {
      return; // wait(0) would wait for ever
    }
    synchronized (wake) {
      try {
        wake.wait(pollInterval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
    }
  }

  /** Stops the loop, waiting up to 15 s for a round under way. */
  @Override
  public void close() {
    running = false;
    wake();
    if (thread != null) {
      try {
        thread.join(Duration.ofSeconds(15));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
