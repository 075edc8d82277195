package org.waypost.visitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Capture degrades by counting what it could not record, never by blocking a request. */
class CaptureTest {
  private static Visit visit() {
    return new Visit(
        Instant.parse("2026-11-29T12:00:00Z"),
        RouteClass.TRACKING_API,
        200,
        150,
        InetAddress.getLoopbackAddress(),
        "curl/8.5.0",
        null,
        "localhost",
        false,
        null,
        List.of());
  }

  @Test
  void aStuckWriterMakesVisitsDroppedNotRequestsSlow() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger written = new AtomicInteger();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Capture capture =
        new Capture(
            batch -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              written.addAndGet(batch.size());
              return 0;
            },
            meters)) {
      int offered = Capture.QUEUE_CAPACITY + Capture.BATCH + 5_000;
      Thread requests =
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < offered; i++) {
                      capture.offer(visit());
                    }
                  });
      requests.join(10_000);
      assertThat(requests.isAlive()).as("offer never blocks").isFalse();
      double dropped =
          meters.get("waypost.capture.dropped").tag("reason", "queue-full").counter().count();
      assertThat(dropped).isGreaterThanOrEqualTo(5_000);

      release.countDown();
      capture.flush();
      assertThat(written.get() + (long) dropped).isEqualTo(offered);
      assertThat(meters.get("waypost.capture.recorded").counter().count()).isEqualTo(written.get());
    }
  }

  @Test
  void aFailingBatchIsCountedAndLaterBatchesStillWrite() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    List<Integer> sizes = new ArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    try (Capture capture =
        new Capture(
            batch -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("database down");
              }
              synchronized (sizes) {
                sizes.add(batch.size());
              }
              return 0;
            },
            meters)) {
      capture.offer(visit());
      capture.flush();
      capture.offer(visit());
      capture.offer(visit());
      capture.flush();
      assertThat(meters.get("waypost.capture.failed").counter().count()).isEqualTo(1);
      assertThat(meters.get("waypost.capture.recorded").counter().count()).isEqualTo(2);
    }
  }

  /** A fake machine for the budget: a load, a clock, and the CPU time the writer has used. */
  private static final class Machine {
    double load;
    long now = 1_000_000_000L;
    long cpu;
    final Capture.CpuBudget budget = new Capture.CpuBudget(() -> load, () -> cpu, () -> now);

    /** Offers the budget 1,000 visits every 50 ms for ten seconds; returns the CPU written. */
    long run(long nanosPerVisit) {
      long used = 0;
      for (int tick = 0; tick < 200; tick++, now += 50_000_000L) {
        int left = 1_000;
        for (int part; left > 0 && (part = budget.affordable(left)) > 0; left -= part) {
          int visits = part;
          long before = cpu;
          budget.charge(visits, () -> cpu += visits * nanosPerVisit);
          used += cpu - before;
        }
      }
      return used;
    }
  }

  @Test
  void aProcessThatFillsItsOwnCoresIsSaturatedHoweverIdleTheMachine() {
    int cores = Runtime.getRuntime().availableProcessors();
    long[] cpu = {0};
    long[] now = {0};
    Capture.CpuBudget.OwnCores own = new Capture.CpuBudget.OwnCores(() -> cpu[0], () -> now[0]);
    now[0] += 1_000_000_000L;
    cpu[0] += 900_000_000L * cores;
    assertThat(own.load()).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-9));
    now[0] += 1_000_000_000L;
    cpu[0] += 100_000_000L * cores;
    assertThat(own.load()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
    now[0] += 1_000_000_000L;
    assertThat(own.load()).isZero();
  }

  @Test
  void belowSaturationEveryVisitIsWritten() {
    Machine machine = new Machine();
    machine.load = 0.5;
    assertThat(machine.budget.affordable(2_000)).isEqualTo(2_000);
    assertThat(machine.run(50_000)).isEqualTo(200L * 1_000 * 50_000);
  }

  @Test
  void whenSaturatedTheWriterKeepsToItsShareEvenWithLargeBatches() {
    Machine machine = new Machine();
    machine.load = 0.97;
    long share = (long) (Capture.CpuBudget.SHARE_WHEN_SATURATED * 10_000_000_000L);
    long used = machine.run(150_000); // costlier per visit than the budget first assumes
    assertThat(used).isBetween(share / 2, share + share / 5);
  }
}
