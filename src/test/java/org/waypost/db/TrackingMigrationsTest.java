package org.waypost.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
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
 * V13 files every scan under an account (event ids become unique per account) and keeps every row.
 */
class TrackingMigrationsTest {
  @TempDir Path dir;

  private DatabaseConfig migratedTo(StoreKind kind, String version) {
    Map<String, String> store = kind.freshStore(dir);
    DatabaseConfig config =
        new DatabaseConfig(store.get("database.url"), store.get("database.user"), "", 2);
    migrate(config, version);
    return config;
  }

  private static void migrate(DatabaseConfig config, String version) {
    Database.migrations(Dialect.of(config.url()))
        .dataSource(config.url(), config.user(), config.password())
        .target(version)
        .load()
        .migrate();
  }

  private static Connection connect(DatabaseConfig config) throws SQLException {
    return DriverManager.getConnection(config.url(), config.user(), "");
  }

  /** The value {@code query} selects in its first row and column; null for SQL NULL. */
  private static Long value(Connection c, String query) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      long value = rs.getLong(1);
      return rs.wasNull() ? null : value;
    }
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
                  "INSERT INTO scan_events (event_id, account_id, shipment_id,"
                      + " tracking_number, type, event_time, event_time_offset, description,"
                      + " received_at) SELECT 'after', shipper_id, id, tracking_number, 'ARRIVED',"
                      + " 3000, 0, 'Arrived', 4000 FROM shipments");
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
                              "INSERT INTO scan_events (event_id, account_id, shipment_id,"
                                  + " tracking_number, type, event_time, event_time_offset,"
                                  + " description, received_at) SELECT 'before-1', shipper_id,"
                                  + " id, tracking_number, 'ARRIVED', 5000, 0, 'Arrived', 6000"
                                  + " FROM shipments");
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

    // V12 alone: V13 gives delivered_at another meaning (when the scan was received)
    migrate(config, "12");
    try (Connection c = connect(config)) {
      String deliveredAt = "SELECT delivered_at FROM shipments WHERE tracking_number = ";
      assertThat(value(c, deliveredAt + "'moving'")).isNull();
      assertThat(value(c, deliveredAt + "'delivered'")).isEqualTo(7000L);
      assertThat(value(c, deliveredAt + "'returned'")).isEqualTo(3000L);
      assertThat(value(c, "SELECT COUNT(*) FROM scan_events")).isEqualTo(5);
      assertThatThrownBy(() -> value(c, "SELECT COUNT(status) FROM shipments"))
          .isInstanceOf(SQLException.class);
    }
  }

  /**
   * V13 keeps every row and files each stored scan under its piece owner's account, with no key
   * (unattributed); keys stay shippers' keys; event ids become unique per account; delivered_at
   * becomes when the newest delivery scan was received.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void v13FilesEveryStoredScanUnderItsPieceOwnerAndKeepsEveryRow(StoreKind kind)
      throws SQLException {
    DatabaseConfig config = migratedTo(kind, "12");
    try (Connection c = connect(config);
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO shippers (name, created_at) VALUES ('Acme', 0), ('Globex', 0)");
      for (String[] key : new String[][] {{"kacme", "Acme", "NULL"}, {"kglobex", "Globex", "1"}}) {
        s.execute(
            "INSERT INTO api_keys (key_id, secret_hash, shipper_id, created_at, revoked_at)"
                + " VALUES ('"
                + key[0]
                + "', 'x', (SELECT id FROM shippers WHERE name = '"
                + key[1]
                + "'), 0, "
                + key[2]
                + ")");
      }
      String[][] pieces = {{"acme-1", "Acme", "NULL"}, {"globex-1", "Globex", "9000"}};
      for (String[] piece : pieces) {
        s.execute(
            "INSERT INTO shipments (tracking_number, shipper_id, service, reference,"
                + " origin_country, destination_country, created_at, delivered_at) SELECT '"
                + piece[0]
                + "', id, 'PRIORITY', 'REF', 'US', 'US', 0, "
                + piece[2]
                + " FROM shippers WHERE name = '"
                + piece[1]
                + "'");
      }
      String[][] scans = {
        {"a1", "acme-1", "ACCEPTED", "1000", "1500"},
        {"a2", "acme-1", "ARRIVED", "2000", "2500"},
        {"g1", "globex-1", "ACCEPTED", "1000", "1200"},
        {"g2", "globex-1", "DELIVERED", "9000", "9900"}
      };
      for (String[] scan : scans) {
        s.execute(
            "INSERT INTO scan_events (event_id, shipment_id, tracking_number, type, event_time,"
                + " event_time_offset, description, city, received_at) SELECT '"
                + scan[0]
                + "', id, tracking_number, '"
                + scan[2]
                + "', "
                + scan[3]
                + ", -18000, 'x', 'DENVER', "
                + scan[4]
                + " FROM shipments WHERE tracking_number = '"
                + scan[1]
                + "'");
      }
    }

    try (Database database = Database.open(config)) {
      assertThat(Sql.longValue(database, "SELECT COUNT(*) FROM shippers")).isEqualTo(2);
      assertThat(Sql.longValue(database, "SELECT COUNT(*) FROM api_keys")).isEqualTo(2);
      assertThat(Sql.longValue(database, "SELECT COUNT(*) FROM api_keys WHERE network")).isZero();
      assertThat(Sql.longValue(database, "SELECT COUNT(*) FROM shipments")).isEqualTo(2);
      assertThat(
              Sql.longValue(
                  database,
                  "SELECT COUNT(*) FROM scan_events WHERE event_time_offset = -18000"
                      + " AND city = 'DENVER' AND description = 'x' AND api_key_id IS NULL"))
          .isEqualTo(4);
      assertThat(
              Sql.longValue(
                  database,
                  "SELECT COUNT(*) FROM scan_events e JOIN shipments s ON s.id = e.shipment_id"
                      + " WHERE e.account_id = s.shipper_id"))
          .as("every scan is filed under its piece owner's account")
          .isEqualTo(4);
      assertThat(
              Sql.longValue(
                  database,
                  "SELECT delivered_at FROM shipments WHERE tracking_number = 'globex-1'"))
          .as("when the delivery scan was received")
          .isEqualTo(9900);
      assertThat(
              Sql.longValue(
                  database,
                  "SELECT COUNT(*) FROM shipments WHERE tracking_number = 'acme-1'"
                      + " AND delivered_at IS NULL"))
          .isOne();
      long before = Sql.longValue(database, "SELECT MAX(seq) FROM scan_events");

      // "g1" is Globex's: Acme may use it too, Globex not again
      insertScan(database, "g1", "acme-1");
      assertThat(Sql.longValue(database, "SELECT MAX(seq) FROM scan_events")).isGreaterThan(before);
      assertThatThrownBy(() -> insertScan(database, "g1", "globex-1"))
          .isInstanceOf(DatabaseException.class)
          .satisfies(
              e ->
                  assertThat(
                          Dialect.of(config.url()).isUniqueViolation((SQLException) e.getCause()))
                      .isTrue());
      assertThat(Sql.longValue(database, "SELECT COUNT(*) FROM scan_events")).isEqualTo(5);
      if (kind == StoreKind.POSTGRESQL) {
        assertThat(
                Sql.longValue(
                    database,
                    "SELECT COUNT(*) FROM information_schema.columns WHERE collation_name = 'C'"
                        + " AND table_name = 'scan_events' AND column_name = 'event_id'"))
            .as("event ids still compare byte by byte")
            .isOne();
      }
    }
  }

  /** Stores scan {@code eventId} for the piece {@code number} under its owner's account. */
  private static void insertScan(Database database, String eventId, String number) {
    database.inTransaction(
        c -> {
          try (Statement s = c.createStatement()) {
            s.execute(
                "INSERT INTO scan_events (event_id, account_id, shipment_id, tracking_number,"
                    + " type, event_time, event_time_offset, description, received_at) SELECT '"
                    + eventId
                    + "', shipper_id, id, tracking_number, 'ARRIVED', 3000, 0, 'Arrived', 4000"
                    + " FROM shipments WHERE tracking_number = '"
                    + number
                    + "'");
          }
          return null;
        });
  }
}
