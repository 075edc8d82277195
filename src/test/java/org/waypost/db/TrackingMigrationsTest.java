package org.waypost.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.config.DatabaseConfig;
import org.waypost.testing.Sql;
import org.waypost.testing.StoreKind;

/**
 * The tracking tables' later migrations keep what was stored before them. V11 takes the foreign key
 * off scan_events (a table rebuild on SQLite) without losing a row, the receipt sequence, the
 * event-id uniqueness or the history index, and on PostgreSQL makes identifiers compare byte by
 * byte. V12 drops the stored status and keeps, in delivered_at, the newest delivery scan's time.
 */
class TrackingMigrationsTest {
  @TempDir Path dir;

  private DatabaseConfig migratedTo(StoreKind kind, String version) {
    Map<String, String> store = kind.freshStore(dir);
    DatabaseConfig config =
        new DatabaseConfig(store.get("database.url"), store.get("database.user"), "", 2);
    Database.migrations(Dialect.of(config.url()))
        .dataSource(config.url(), config.user(), config.password())
        .target(version)
        .load()
        .migrate();
    return config;
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void scansStoredBeforeV11SurviveItAndTheKeyIsGone(StoreKind kind) throws SQLException {
    DatabaseConfig config = migratedTo(kind, "10");
    Dialect dialect = Dialect.of(config.url());
    try (Connection c = DriverManager.getConnection(config.url(), config.user(), "");
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO shippers (name, created_at) VALUES ('Acme', 0)");
      s.execute(
          "INSERT INTO shipments (tracking_number, shipper_id, service, origin_country,"
              + " destination_country, created_at, status, status_text, last_event_time,"
              + " last_event_seq) SELECT '9400100000000000000001', id, 'PRIORITY', 'US', 'US', 0,"
              + " 'IN_TRANSIT', 'Arrived', 0, 0 FROM shippers");
      for (String id : new String[] {"before-1", "before-2"}) {
        s.execute(
            "INSERT INTO scan_events (event_id, shipment_id, tracking_number, type, event_time,"
                + " event_time_offset, description, city, received_at) SELECT '"
                + id
                + "', id, tracking_number, 'ARRIVED', 1000, 0, 'Arrived', 'Denver', 2000"
                + " FROM shipments");
      }
    }

    try (Database database = Database.open(config)) {
      assertThat(Sql.longValue(database, "SELECT COUNT(*) FROM scan_events")).isEqualTo(2);
      assertThat(
              Sql.longValue(
                  database,
                  "SELECT COUNT(*) FROM scan_events e JOIN shipments s ON s.id = e.shipment_id"
                      + " WHERE e.city = 'Denver' AND e.received_at = 2000"))
          .isEqualTo(2);
      long before = Sql.longValue(database, "SELECT MAX(seq) FROM scan_events");
      String foreignKeys =
          kind == StoreKind.SQLITE
              ? "SELECT COUNT(*) FROM pragma_foreign_key_list('scan_events')"
              : "SELECT COUNT(*) FROM information_schema.table_constraints"
                  + " WHERE table_name = 'scan_events' AND constraint_type = 'FOREIGN KEY'";
      assertThat(Sql.longValue(database, foreignKeys)).isZero();
      String historyIndex =
          kind == StoreKind.SQLITE
              ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'"
                  + " AND name = 'scan_events_by_shipment'"
              : "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'scan_events_by_shipment'";
      assertThat(Sql.longValue(database, historyIndex)).isEqualTo(1);

      database.inTransaction(
          c -> {
            try (Statement s = c.createStatement()) {
              s.execute(
                  "INSERT INTO scan_events (event_id, shipment_id, tracking_number, type,"
                      + " event_time, event_time_offset, description, received_at)"
                      + " SELECT 'after', id, tracking_number, 'ARRIVED', 3000, 0, 'Arrived',"
                      + " 4000 FROM shipments");
            }
            return null;
          });
      assertThat(Sql.longValue(database, "SELECT seq FROM scan_events WHERE event_id = 'after'"))
          .isGreaterThan(before);
      assertThatThrownBy(
              () ->
                  database.inTransaction(
                      c -> {
                        try (Statement s = c.createStatement()) {
                          s.execute(
                              "INSERT INTO scan_events (event_id, shipment_id, tracking_number,"
                                  + " type, event_time, event_time_offset, description,"
                                  + " received_at) SELECT 'before-1', id, tracking_number,"
                                  + " 'ARRIVED', 5000, 0, 'Arrived', 6000 FROM shipments");
                        }
                        return null;
                      }))
          .isInstanceOf(DatabaseException.class)
          .satisfies(
              e -> assertThat(dialect.isUniqueViolation((SQLException) e.getCause())).isTrue());
      assertThat(Sql.longValue(database, "SELECT COUNT(*) FROM scan_events")).isEqualTo(3);
      if (kind == StoreKind.POSTGRESQL) {
        assertThat(
                Sql.longValue(
                    database,
                    "SELECT COUNT(*) FROM information_schema.columns WHERE collation_name = 'C'"
                        + " AND ((table_name = 'scan_events'"
                        + " AND column_name IN ('event_id', 'tracking_number'))"
                        + " OR (table_name = 'shipments' AND column_name = 'tracking_number'))"))
            .isEqualTo(3);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void v12KeepsTheNewestDeliveryScanTimeAndDropsTheStoredStatus(StoreKind kind)
      throws SQLException {
    DatabaseConfig config = migratedTo(kind, "11");
    try (Connection c = DriverManager.getConnection(config.url(), config.user(), "");
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO shippers (name, created_at) VALUES ('Acme', 0)");
      // moving: never delivered; delivered: twice (a correction); returned: delivered, then
      // returned, so its stored projection had no delivery time
      String[][] pieces = {
        {"moving", "IN_TRANSIT", "NULL"},
        {"delivered", "DELIVERED", "7000"},
        {"returned", "RETURN_TO_SENDER", "NULL"}
      };
      for (String[] piece : pieces) {
        s.execute(
            "INSERT INTO shipments (tracking_number, shipper_id, service, origin_country,"
                + " destination_country, created_at, status, status_text, delivered_at,"
                + " last_event_time, last_event_seq) SELECT '"
                + piece[0]
                + "', id, 'PRIORITY', 'US', 'US', 0, '"
                + piece[1]
                + "', 'x', "
                + piece[2]
                + ", 0, 0 FROM shippers");
      }
      String[][] scans = {
        {"m1", "moving", "ARRIVED", "1000"},
        {"d1", "delivered", "DELIVERED", "5000"},
        {"d2", "delivered", "DELIVERED", "7000"},
        {"r1", "returned", "DELIVERED", "3000"},
        {"r2", "returned", "RETURN_TO_SENDER", "4000"}
      };
      for (String[] scan : scans) {
        s.execute(
            "INSERT INTO scan_events (event_id, shipment_id, tracking_number, type, event_time,"
                + " event_time_offset, description, received_at) SELECT '"
                + scan[0]
                + "', id, tracking_number, '"
                + scan[2]
                + "', "
                + scan[3]
                + ", 0, 'x', 0 FROM shipments WHERE tracking_number = '"
                + scan[1]
                + "'");
      }
    }

    try (Database database = Database.open(config)) {
      assertThat(deliveredAt(database, "moving")).isNull();
      assertThat(deliveredAt(database, "delivered")).isEqualTo(7000L);
      assertThat(deliveredAt(database, "returned")).isEqualTo(3000L);
      assertThat(Sql.longValue(database, "SELECT COUNT(*) FROM scan_events")).isEqualTo(5);
      assertThatThrownBy(() -> Sql.longValue(database, "SELECT COUNT(status) FROM shipments"))
          .isInstanceOf(DatabaseException.class);
    }
  }

  private static Long deliveredAt(Database database, String number) {
    return database.read(
        c -> {
          try (var ps =
              c.prepareStatement("SELECT delivered_at FROM shipments WHERE tracking_number = ?")) {
            ps.setString(1, number);
            try (var rs = ps.executeQuery()) {
              rs.next();
              long value = rs.getLong(1);
              return rs.wasNull() ? null : value;
            }
          }
        });
  }
}
