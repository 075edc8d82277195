package org.waypost.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.keys.DayKeys;
import org.waypost.net.IpLiterals;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.visitor.VisitorLog;

/**
 * On PostgreSQL an incident's id is taken when its transaction inserts and seen when it commits, so
 * another node may commit a higher id first. A refresh that read only ids above the highest seen
 * skipped the late one forever, and its client went unblocked on every other node.
 */
class BlocksLateCommitTest {
  private static final LocalDate DAY = LocalDate.parse("2026-11-29");
  @TempDir Path dir;

  @Test
  void anIncidentWhoseLowerIdCommitsLateIsStillLoaded() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try (TestApp server = TestApp.start(StoreKind.POSTGRESQL, dir, clock, Map.of())) {
      var app = server.app();
      DayKeys keys = app.keys().day(DAY);
      InetAddress slow = InetAddress.getByName("203.0.113.70");
      InetAddress fast = InetAddress.getByName("198.51.100.70");
      Blocks otherNode = new Blocks(app.database(), app.keys(), 7);
      otherNode.refresh(clock.instant());

      CountDownLatch inserted = new CountDownLatch(1);
      CountDownLatch commit = new CountDownLatch(1);
      CompletableFuture<Long> slowIncident =
          CompletableFuture.supplyAsync(
              () ->
                  app.database()
                      .inTransaction(
                          c -> {
                            long id = new IncidentStore().insert(c, row(keys, slow, clock));
                            inserted.countDown();
                            await(commit);
                            return id;
                          }),
              thread);
      assertThat(inserted.await(10, TimeUnit.SECONDS)).isTrue();
      long fastId =
          app.database().inTransaction(c -> new IncidentStore().insert(c, row(keys, fast, clock)));
      clock.advance(java.time.Duration.ofSeconds(30));
      otherNode.refresh(clock.instant());
      assertThat(otherNode.activeBlock(fast, Blocks.Scope.CLIENT, clock.millis())).isPresent();

      commit.countDown();
      long slowId = slowIncident.get(10, TimeUnit.SECONDS);
      assertThat(slowId).isLessThan(fastId);
      clock.advance(java.time.Duration.ofSeconds(30));
      otherNode.refresh(clock.instant());

      assertThat(otherNode.activeBlock(slow, Blocks.Scope.CLIENT, clock.millis()))
          .hasValueSatisfying(block -> assertThat(block.incident()).isEqualTo(slowId));
      otherNode.refresh(clock.instant()); // read again within the overlap: still one block
      assertThat(otherNode.recentOffences(slow, Blocks.Scope.CLIENT, clock.millis())).isEqualTo(1);
    } finally {
      thread.shutdownNow();
    }
  }

  private static IncidentStore.Row row(DayKeys keys, InetAddress client, MutableClock clock) {
    long now = clock.millis();
    return new IncidentStore.Row(
        0,
        DAY,
        LookupLimits.RULE_ENUMERATION,
        Blocks.Scope.CLIENT,
        keys.tag(VisitorLog.CLIENT, client.getAddress()),
        keys.tag(VisitorLog.PREFIX, IpLiterals.networkPrefix(client)),
        keys.seal(
            IpLiterals.normalized(client).getBytes(StandardCharsets.US_ASCII),
            Blocks.associatedData(DAY)),
        25,
        25,
        now,
        now,
        "BLOCKED",
        now + 3_600_000,
        1);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
