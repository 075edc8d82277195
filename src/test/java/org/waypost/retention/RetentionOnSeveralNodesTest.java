package org.waypost.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.App;
import org.waypost.keys.MasterKey;
import org.waypost.testing.MutableClock;
import org.waypost.testing.Sql;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.visitor.TrafficCounts;

/**
 * Two nodes on one PostgreSQL database (two {@link App}s, two pools, one key folder) applying
 * retention at the same moment: each finished day's visitors are counted once. Before the fix two
 * overlapping runs recorded 2,000 unique visitors for 1,000 distinct tags.
 */
class RetentionOnSeveralNodesTest {
  private static final LocalDate DAY = LocalDate.parse("2026-11-20");
  private static final Instant NEXT_DAY = Instant.parse("2026-11-21T06:00:00Z");
  private static final String UNIQUE =
      "SELECT COALESCE(SUM(count), 0) FROM traffic_counts WHERE period = 'D' AND bucket = '"
          + DAY
          + "' AND dimension = 'visitors' AND value = 'unique'";

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(NEXT_DAY);
  private final List<App> nodes = new ArrayList<>();
  // a thread per task: the common pool may have a single thread on a small machine
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeEach
  void twoNodes() {
    Map<String, String> store = StoreKind.POSTGRESQL.freshStore(dir);
    var config = TestApp.config(store);
    MasterKey.createIfMissing(Path.of(config.privacy().masterKeyFile()));
    nodes.add(App.open(config, clock));
    nodes.add(App.open(config, clock));
    TrafficCounts counts = new TrafficCounts();
    List<byte[]> tags = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      tags.add(ByteBuffer.allocate(16).putInt(i).array());
    }
    nodes
        .get(0)
        .database()
        .inTransaction(
            c -> {
              counts.addVisitors(c, DAY, tags);
              return null;
            });
  }

  @AfterEach
  void close() {
    threads.shutdownNow();
    nodes.forEach(App::close);
  }

  @Test
  void twoCountsOfOneDayInOverlappingTransactionsCountEachVisitorOnce() throws Exception {
    TrafficCounts counts = new TrafficCounts();
    CountDownLatch firstCounted = new CountDownLatch(1);
    CountDownLatch commitFirst = new CountDownLatch(1);
    CompletableFuture<Long> first =
        CompletableFuture.supplyAsync(
            () ->
                nodes
                    .get(0)
                    .database()
                    .inTransaction(
                        c -> {
                          long n = counts.finishVisitors(c, DAY);
                          firstCounted.countDown();
                          try {
                            commitFirst.await();
                          } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                          }
                          return n;
                        }));
    firstCounted.await(10, TimeUnit.SECONDS);
    CompletableFuture<Long> second =
        CompletableFuture.supplyAsync(
            () -> nodes.get(1).database().inTransaction(c -> counts.finishVisitors(c, DAY)),
            threads);
    awaitBackendWaitingForALock();
    commitFirst.countDown();

    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1_000);
    assertThat(second.get(10, TimeUnit.SECONDS)).isZero();
    assertThat(Sql.longValue(nodes.get(0).database(), UNIQUE)).isEqualTo(1_000);
  }

  @Test
  void retentionOnTwoNodesAtOnceCountsEachVisitorOnce() throws Exception {
    CyclicBarrier together = new CyclicBarrier(2);
    List<CompletableFuture<Optional<Retention.Report>>> runs = new ArrayList<>();
    for (App node : nodes) {
      runs.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  together.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                return node.retention().runUnlessRunning(clock.instant());
              },
              threads));
    }
    long counted = 0;
    for (var run : runs) {
      counted += run.get(30, TimeUnit.SECONDS).map(r -> r.visitorDaysCounted().size()).orElse(0);
    }

    assertThat(counted).as("days counted over both runs").isEqualTo(1);
    assertThat(Sql.longValue(nodes.get(0).database(), UNIQUE)).isEqualTo(1_000);
  }

  @Test
  void aRunWhileAnotherNodeHoldsTheLockIsSkippedAndLeavesTheDayForLater() {
    Optional<Optional<Retention.Report>> whileHeld =
        nodes
            .get(0)
            .database()
            .exclusively(Retention.JOB, () -> nodes.get(1).retention().runUnlessRunning(NEXT_DAY));

    assertThat(whileHeld).contains(Optional.empty());
    assertThat(Sql.longValue(nodes.get(0).database(), UNIQUE)).isZero();
    assertThat(nodes.get(1).retention().runUnlessRunning(NEXT_DAY))
        .hasValueSatisfying(r -> assertThat(r.visitorDaysCounted()).containsExactly(DAY));
    assertThat(Sql.longValue(nodes.get(0).database(), UNIQUE)).isEqualTo(1_000);
  }

  /** Waits until some PostgreSQL backend waits for a lock held by another transaction. */
  private void awaitBackendWaitingForALock() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Sql.longValue(
            nodes.get(0).database(),
            "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
        == 0) {
      assertThat(System.nanoTime()).as("a transaction waiting for a lock").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
