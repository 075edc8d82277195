package org.waypost.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.App;
import org.waypost.keys.MasterKey;
import org.waypost.testing.MutableClock;
import org.waypost.testing.Sql;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.visitor.TrafficCounts;

/**
 * Aggregates and incidents have a retention of their own (privacy.aggregateRetentionDays,
 * privacy.incidentRetentionDays): a run removes what is older, keeps the rest, keeps an old
 * incident whose block or allowance still holds, and the console's preview counts exactly what the
 * run then removes. On SQLite and on a real PostgreSQL.
 */
class RetentionLimitsTest {
  private static final Instant NOW = Instant.parse("2026-12-05T03:00:00Z");
  private static final LocalDate TODAY = LocalDate.parse("2026-12-05");

  @TempDir Path dir;
  private App app;

  @AfterEach
  void close() {
    if (app != null) {
      app.close();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aggregatesAndIncidentsGoAfterTheirOwnLimit(StoreKind kind) {
    var overrides = new java.util.HashMap<>(kind.freshStore(dir));
    overrides.putAll(
        Map.of("privacy.aggregateRetentionDays", "30", "privacy.incidentRetentionDays", "10"));
    var config = TestApp.config(overrides);
    MasterKey.createIfMissing(Path.of(config.privacy().masterKeyFile()));
    app = App.open(config, new MutableClock(NOW));

    counts(TODAY.minusDays(31), 3); // one day too old: its day and hour rows go
    counts(TODAY.minusDays(30), 2); // the oldest day kept
    counts(TODAY, 1);
    long expiredIncident = incident(TODAY.minusDays(11), NOW.minusSeconds(86_400));
    long keptIncident = incident(TODAY.minusDays(10), NOW.minusSeconds(86_400));
    long stillBlocked = incident(TODAY.minusDays(40), NOW.plusSeconds(3_600));
    long stillAllowed = incident(TODAY.minusDays(40), NOW.minusSeconds(86_400));
    Sql.update(
        app.database(),
        "INSERT INTO incident_actions (incident_id, action, operator, reason, created_at,"
            + " allowed_until, audit_seq) VALUES (?, 'ALLOWED', 'sam', 'library', ?, ?, 1)",
        stillAllowed,
        NOW.toEpochMilli(),
        NOW.plusSeconds(3_600).toEpochMilli());
    Sql.update(
        app.database(),
        "INSERT INTO incident_actions (incident_id, action, operator, reason, created_at,"
            + " allowed_until, audit_seq) VALUES (?, 'UNBLOCKED', 'sam', 'office', ?, NULL, 2)",
        expiredIncident,
        NOW.toEpochMilli());

    Retention retention = app.retention();
    Retention.Report preview = retention.preview(NOW);
    assertThat(aggregateRows()).as("the preview removes nothing").isEqualTo(12);
    assertThat(incidents()).isEqualTo(4);

    Retention.Report run = retention.run(NOW);

    assertThat(run.aggregateRowsDeleted()).isEqualTo(4);
    assertThat(run.incidentsDeleted()).isEqualTo(1);
    assertThat(preview.aggregateRowsDeleted()).isEqualTo(run.aggregateRowsDeleted());
    assertThat(preview.incidentsDeleted()).isEqualTo(run.incidentsDeleted());
    assertThat(aggregateRows()).isEqualTo(8);
    assertThat(
            Sql.longValue(
                app.database(),
                "SELECT COUNT(*) FROM traffic_counts WHERE bucket LIKE '"
                    + TODAY.minusDays(30)
                    + "%'"))
        .as("the oldest day kept, hours and all")
        .isEqualTo(4);
    assertThat(ids()).containsExactlyInAnyOrder(keptIncident, stillBlocked, stillAllowed);
    assertThat(
            Sql.longValue(
                app.database(),
                "SELECT COUNT(*) FROM incident_actions WHERE incident_id = " + expiredIncident))
        .as("its actions go with it")
        .isZero();
    assertThat(app.audit().latest("retention.run").orElseThrow().details())
        .contains("\"aggregateRowsDeleted\":4")
        .contains("\"incidentsDeleted\":1");
  }

  /** A day's daily row and two hourly rows, {@code count} requests each. */
  private void counts(LocalDate day, long count) {
    app.database()
        .inTransaction(
            c -> {
              new TrafficCounts()
                  .add(
                      c,
                      Map.of(
                          new TrafficCounts.Cell('D', day.toString(), "requests", "all"), count,
                          new TrafficCounts.Cell('H', day + "T00", "requests", "all"), count,
                          new TrafficCounts.Cell('H', day + "T23", "requests", "all"), count,
                          new TrafficCounts.Cell('D', day.toString(), "browser", "Firefox"),
                              count));
              return null;
            });
  }

  private long incident(LocalDate day, Instant blockedUntil) {
    Sql.update(
        app.database(),
        "INSERT INTO incidents (day, rule, scope, client_tag, prefix_tag, sealed_ip, lookups,"
            + " failures, first_seen, last_seen, action, blocked_until, offence)"
            + " VALUES (?, 'enumeration', 'CLIENT', ?, ?, ?, 35, 35, 0, 0, 'BLOCK', ?, 1)",
        day.toString(),
        new byte[] {1},
        new byte[] {2},
        new byte[] {3},
        blockedUntil.toEpochMilli());
    return Sql.longValue(app.database(), "SELECT MAX(id) FROM incidents");
  }

  private long aggregateRows() {
    return Sql.longValue(app.database(), "SELECT COUNT(*) FROM traffic_counts");
  }

  private long incidents() {
    return Sql.longValue(app.database(), "SELECT COUNT(*) FROM incidents");
  }

  private java.util.List<Long> ids() {
    return app.database()
        .read(
            c -> {
              var out = new java.util.ArrayList<Long>();
              try (var ps = c.prepareStatement("SELECT id FROM incidents");
                  var rs = ps.executeQuery()) {
                while (rs.next()) {
                  out.add(rs.getLong(1));
                }
              }
              return out;
            });
  }
}
