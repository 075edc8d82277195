package org.waypost.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.config.DatabaseConfig;
import org.waypost.governance.Operators;
import org.waypost.keys.PrefixedSecret;
import org.waypost.testing.Audits;
import org.waypost.testing.MutableClock;
import org.waypost.testing.Sql;
import org.waypost.testing.StoreKind;

/**
 * V14 gives operator tokens an expiry. A token issued before it keeps working, for 90 days from the
 * migration, and then stops: no token is left that never expires. A row written without an expiry
 * is expired (SQLite) or refused (PostgreSQL), never valid for ever.
 */
class OperatorTokenMigrationTest {
  private static final Duration NINETY_DAYS = Duration.ofDays(90);

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aTokenIssuedBeforeV14ExpiresNinetyDaysAfterTheMigration(StoreKind kind) throws SQLException {
    Map<String, String> store = kind.freshStore(dir);
    DatabaseConfig config =
        new DatabaseConfig(store.get("database.url"), store.get("database.user"), "", 2);
    var migrations =
        Database.migrations(Dialect.of(config.url()))
            .dataSource(config.url(), config.user(), config.password());
    // the newest migration before V14, whichever number it has
    String beforeV14 =
        Arrays.stream(migrations.load().info().all())
            .map(MigrationInfo::getVersion)
            .filter(v -> v.isNewerThan(MigrationVersion.fromVersion("0")))
            .filter(v -> MigrationVersion.fromVersion("14").isNewerThan(v))
            .max(MigrationVersion::compareTo)
            .orElseThrow()
            .getVersion();
    migrations.target(beforeV14).load().migrate();
    PrefixedSecret old = PrefixedSecret.issue("wpo_");
    try (Connection c = DriverManager.getConnection(config.url(), config.user(), "")) {
      try (Statement s = c.createStatement()) {
        s.execute("INSERT INTO operators (name, roles, created_at) VALUES ('lena', 'legal', 1000)");
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO operator_tokens (token_id, token_hash, operator_id, created_at)"
                  + " SELECT ?, ?, id, 2000 FROM operators")) {
        ps.setString(1, old.id());
        ps.setBytes(2, old.secretHash());
        ps.executeUpdate();
      }
    }

    long before = Instant.now().toEpochMilli();
    try (Database database = Database.open(config)) {
      long after = Instant.now().toEpochMilli();
      long expiresAt = Sql.longValue(database, "SELECT expires_at FROM operator_tokens");
      // SQLite reads the time in whole seconds
      assertThat(expiresAt)
          .isBetween(before - 1000 + NINETY_DAYS.toMillis(), after + NINETY_DAYS.toMillis());

      MutableClock clock = new MutableClock(Instant.ofEpochMilli(after));
      Operators operators =
          new Operators(database, clock, Audits.withoutCheckpoints(database, clock, dir));
      assertThat(operators.authenticateToken(old.text())).as("still working").isPresent();
      clock.set(Instant.ofEpochMilli(expiresAt));
      assertThat(operators.authenticateToken(old.text())).as("90 days on").isEmpty();
      assertThat(
              new Operators(database, clock, Audits.withoutCheckpoints(database, clock, dir))
                  .authenticateToken(old.text()))
          .isEmpty();

      PrefixedSecret unset = PrefixedSecret.issue("wpo_");
      SqlWork<Void> withoutExpiry =
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO operator_tokens (token_id, token_hash, operator_id, created_at)"
                        + " SELECT ?, ?, id, 3000 FROM operators")) {
              ps.setString(1, unset.id());
              ps.setBytes(2, unset.secretHash());
              ps.executeUpdate();
            }
            return null;
          };
      if (kind == StoreKind.POSTGRESQL) {
        assertThatThrownBy(() -> database.inTransaction(withoutExpiry))
            .isInstanceOf(DatabaseException.class);
      } else {
        database.inTransaction(withoutExpiry);
        Operators now =
            new Operators(
                database,
                Clock.systemUTC(),
                Audits.withoutCheckpoints(database, Clock.systemUTC(), dir));
        assertThat(now.authenticateToken(unset.text())).as("expired at 0").isEmpty();
      }
    }
  }
}
