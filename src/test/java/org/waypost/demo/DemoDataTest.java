package org.waypost.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.App;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.tracking.TrackingStatus;

/** The demo data looks like a network's: enough pieces, every status, two weeks, abroad too. */
class DemoDataTest {
  private static final Instant NOW = Instant.parse("2026-11-29T15:00:00Z");

  @TempDir Path dir;

  @Test
  void seedsARealisticNetworkOnceAndReusesIt() {
    try (App app =
        App.open(TestApp.config(StoreKind.SQLITE.freshStore(dir)), new MutableClock(NOW))) {
      long shipper = app.apiKeys().create("Demo Shipper").shipper().id();
      assertThat(DemoData.seedIfEmpty(app, shipper)).isTrue();

      Map<TrackingStatus, String> samples = DemoData.samples(app);
      assertThat(samples).containsOnlyKeys(TrackingStatus.values());

      long[] stats =
          app.database()
              .read(
                  c -> {
                    try (ResultSet rs =
                        c.createStatement()
                            .executeQuery(
                                "SELECT (SELECT COUNT(*) FROM shipments),"
                                    + " (SELECT COUNT(*) FROM shipments WHERE destination_country <> 'US'),"
                                    + " (SELECT COUNT(*) FROM shipments WHERE tracking_number LIKE 'RR%'),"
                                    + " (SELECT MIN(event_time) FROM scan_events),"
                                    + " (SELECT MAX(event_time) FROM scan_events),"
                                    + " (SELECT COUNT(DISTINCT destination_postal_code) FROM shipments),"
                                    + " (SELECT COUNT(*) FROM scan_events)")) {
                      rs.next();
                      long[] out = new long[7];
                      for (int i = 0; i < 7; i++) {
                        out[i] = rs.getLong(i + 1);
                      }
                      return out;
                    }
                  });
      assertThat(stats[0]).isGreaterThanOrEqualTo(500);
      assertThat(stats[1]).as("pieces going abroad").isGreaterThanOrEqualTo(20);
      assertThat(stats[2]).as("pieces arriving from abroad").isGreaterThanOrEqualTo(5);
      Duration span = Duration.ofMillis(stats[4] - stats[3]);
      assertThat(span).isGreaterThanOrEqualTo(Duration.ofDays(10));
      assertThat(Instant.ofEpochMilli(stats[4])).isBefore(NOW);
      assertThat(stats[5]).as("distinct destination ZIP codes").isGreaterThanOrEqualTo(30);
      assertThat(stats[6]).as("scans per piece").isGreaterThan(stats[0] * 6);

      assertThat(DemoData.seedIfEmpty(app, shipper)).isFalse();
    }
  }

  @Test
  void deliveriesHappenInDaylight() {
    try (App app =
        App.open(TestApp.config(StoreKind.SQLITE.freshStore(dir)), new MutableClock(NOW))) {
      long shipper = app.apiKeys().create("Demo Shipper").shipper().id();
      DemoData.seedIfEmpty(app, shipper);
      app.database()
          .read(
              c -> {
                try (ResultSet rs =
                    c.createStatement()
                        .executeQuery(
                            "SELECT event_time, event_time_offset FROM scan_events WHERE type IN"
                                + " ('DELIVERED','OUT_FOR_DELIVERY')")) {
                  while (rs.next()) {
                    OffsetDateTime local =
                        Instant.ofEpochMilli(rs.getLong(1))
                            .atOffset(ZoneOffset.ofTotalSeconds(rs.getInt(2)));
                    assertThat(local.getHour()).isBetween(7, 20);
                  }
                }
                return null;
              });
    }
  }
}
