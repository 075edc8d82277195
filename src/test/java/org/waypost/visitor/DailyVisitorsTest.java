package org.waypost.visitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.App;
import org.waypost.keys.MasterKey;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/**
 * Visitor tags are appended without a unique key (a unique index on random tags cost a page write
 * per new visitor), so the same visitor may be stored more than once: in two batches, or by two
 * nodes. The count is still of distinct visitors, and a day is counted once.
 */
class DailyVisitorsTest {
  private static final LocalDate DAY = LocalDate.parse("2026-11-30");
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aVisitorStoredTwiceIsCountedOnce(StoreKind kind) {
    var config = TestApp.config(kind.freshStore(dir));
    MasterKey.createIfMissing(Path.of(config.privacy().masterKeyFile()));
    try (App app = App.open(config, java.time.Clock.systemUTC())) {
      TrafficCounts counts = new TrafficCounts();
      List<byte[]> first = tags(0, 600);
      List<byte[]> second = tags(400, 1_000); // 200 of them seen in the first batch too
      app.database()
          .inTransaction(
              c -> {
                counts.addVisitors(c, DAY, first);
                return null;
              });
      app.database()
          .inTransaction(
              c -> {
                counts.addVisitors(c, DAY, second);
                counts.addVisitors(c, DAY.plusDays(1), first);
                return null;
              });

      long soFar = app.database().inTransaction(c -> counts.visitorsSoFar(c, DAY));
      long counted = app.database().inTransaction(c -> counts.finishVisitors(c, DAY));
      long again = app.database().inTransaction(c -> counts.finishVisitors(c, DAY));
      long nextDay = app.database().inTransaction(c -> counts.visitorsSoFar(c, DAY.plusDays(1)));

      assertThat(soFar).isEqualTo(1_000);
      assertThat(counted).isEqualTo(1_000);
      assertThat(again).isZero();
      assertThat(nextDay).as("the next day's tags are left alone").isEqualTo(600);
    }
  }

  private static List<byte[]> tags(int from, int to) {
    List<byte[]> tags = new ArrayList<>();
    for (int i = from; i < to; i++) {
      tags.add(ByteBuffer.allocate(16).putInt(i).array());
    }
    return tags;
  }
}
