package org.waypost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.SignatureConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.App;
import org.waypost.config.WaypostConfig;
import org.waypost.governance.Role;
import org.waypost.keys.DayKeyDestroyedException;
import org.waypost.keys.KeyStore;
import org.waypost.testing.EmbeddedPg;
import org.waypost.testing.Fixtures;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.visitor.VisitorLog;

/**
 * The backup and restore of docs/operations.md, whole, on SQLite and on PostgreSQL: a copy of the
 * database taken while the server runs; more audited operations, and retention shredding a day's
 * keys; the copy restored (the checkpoints, the master key and the day-key folder left as they
 * are); {@code audit verify} failing and naming the entries lost; {@code audit restored} recording
 * them, signed; {@code audit verify} passing and reporting the restore; the transparency report
 * saying so. The day shredded after the backup stays unreadable: its rows come back with the
 * database, its key does not.
 */
class BackupRestoreTest {
  private static final LocalDate VISIT_DAY = LocalDate.parse("2026-11-20");
  private static final String VISITOR = "203.0.113.7";

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aRestoredDatabaseIsRecordedAsSuchAndAShreddedDayStaysShredded(StoreKind kind)
      throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-20T10:00:00Z"));
    Map<String, String> settings = new HashMap<>(kind.freshStore(dir));
    settings.put("privacy.masterKeyFile", dir.resolve("master.key").toString());
    settings.put("server.port", "0");
    settings.put("server.trustedProxies", "127.0.0.0/8,::1");
    String liveUrl = settings.get("database.url");
    WaypostConfig config = TestApp.config(settings);
    Path configFile = dir.resolve("waypost.yaml");
    Files.writeString(
        configFile,
        """
        database: { url: "%s", user: "%s" }
        privacy: { keyDir: "%s", masterKeyFile: "%s" }
        """
            .formatted(
                liveUrl,
                config.database().user(),
                config.privacy().keyDir(),
                config.privacy().masterKeyFile()));

    // 1. A server at work: an operator added, a visitor's lookup sealed under the day's key.
    long sealedRow;
    try (TestApp server = TestApp.start(config, clock)) {
      server.app().operators().add("lena", Set.of(Role.SECURITY), "correct horse battery");
      long shipper = server.app().apiKeys().create("Acme").shipper().id();
      String number =
          server.app().shipments().register(shipper, Fixtures.priorityToFairfax()).trackingNumber();
      assertThat(server.get("/api/v1/tracking/" + number, "X-Forwarded-For", VISITOR).status())
          .isEqualTo(200);
      server.app().capture().flush();
      sealedRow = visitRow(server.app());
      assertThat(open(server.app(), sealedRow)).isEqualTo(VISITOR);

      // 2. The backup, taken while it runs (SQLite); PostgreSQL copies a closed database below.
      if (kind == StoreKind.SQLITE) {
        backUpSqlite(server.app());
      }
    }
    if (kind == StoreKind.POSTGRESQL) {
      copyPostgres(liveUrl, "backup_of_" + database(liveUrl));
    }
    long backedUpHead;
    try (App app = App.open(config, clock)) {
      backedUpHead = app.audit().lastSeq();
    }

    // 3. More operations after the backup; retention shreds the visit's day.
    clock.set(Instant.parse("2026-11-28T01:00:00Z"));
    long lostHead;
    try (TestApp server = TestApp.start(config, clock)) {
      server.app().operators().add("pat", Set.of(Role.PRIVACY), "correct horse battery");
      server.app().retention().run(clock.instant());
      assertThat(server.app().keys().isDestroyed(VISIT_DAY)).isTrue();
      lostHead = server.app().audit().lastSeq();
    }
    assertThat(lostHead).isGreaterThan(backedUpHead + 1);

    // 4. The restore: the database only. The checkpoints, the master key and the day-key folder
    // stay as they are (the key folder is never backed up, so never restored).
    if (kind == StoreKind.SQLITE) {
      Path live = dir.resolve("waypost.db");
      Files.deleteIfExists(dir.resolve("waypost.db-wal"));
      Files.deleteIfExists(dir.resolve("waypost.db-shm"));
      Files.copy(dir.resolve("backup.db"), live, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } else {
      dropPostgres(liveUrl);
      copyPostgres(
          liveUrl.replace(database(liveUrl), "backup_of_" + database(liveUrl)), database(liveUrl));
    }

    // 5. The day shredded after the backup: its rows are back, its key is not.
    try (App app = App.open(config, clock)) {
      assertThat(app.audit().lastSeq()).isEqualTo(backedUpHead);
      assertThat(visitRow(app)).isEqualTo(sealedRow);
      KeyStore keys = app.keys();
      assertThat(keys.isDestroyed(VISIT_DAY)).isTrue();
      assertThat(keys.existing(VISIT_DAY)).isEmpty();
      assertThatThrownBy(() -> keys.day(VISIT_DAY)).isInstanceOf(DayKeyDestroyedException.class);
    }

    // 6. audit verify names the cut; audit restored records it; audit verify passes again.
    Cli broken = Cli.run("audit", "verify", "--config", configFile.toString());
    assertThat(broken.exitCode()).as(broken.out()).isEqualTo(1);
    assertThat(broken.err())
        .contains(
            "entries "
                + (backedUpHead + 1)
                + " to "
                + lostHead
                + " were cut off: the log ends at"
                + " entry "
                + backedUpHead)
        .contains("waypost audit restored");

    Cli recorded = Cli.run("audit", "restored", "--config", configFile.toString());
    assertThat(recorded.exitCode()).as(recorded.err()).isZero();
    String lost = "entries " + (backedUpHead + 1) + " to " + lostHead + " were lost";
    assertThat(recorded.out())
        .startsWith("restored from a backup: " + lost + " (recorded as entry " + (lostHead + 1));

    Cli again = Cli.run("audit", "restored", "--config", configFile.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).startsWith("no restore recorded: nothing to record");

    Cli intact = Cli.run("audit", "verify", "--config", configFile.toString());
    assertThat(intact.exitCode()).as(intact.err()).isZero();
    assertThat(intact.out())
        .contains("audit log intact: " + (backedUpHead + 1) + " entries")
        .contains("checkpoint at seq " + (lostHead + 1))
        .contains("restored from a backup: " + lost);

    // 7. Retention deletes the restored rows of the shredded day (as a server's first run would),
    // on the record after the restore.
    clock.set(Instant.parse("2026-11-28T02:00:00Z"));
    try (App app = App.open(config, clock)) {
      app.retention().run(clock.instant());
      assertThat(app.audit().latest("retention.run").orElseThrow().seq()).isEqualTo(lostHead + 2);
    }

    // 8. The transparency report says a restore happened, and when; its checkpoint verifies.
    try (TestApp server = TestApp.start(config, clock)) {
      JsonNode report = server.get("/api/v1/transparency").json();
      JsonNode restore = report.get("restores").get(0);
      assertThat(report.get("restores")).hasSize(1);
      assertThat(restore.get("lostFrom").asLong()).isEqualTo(backedUpHead + 1);
      assertThat(restore.get("lostTo").asLong()).isEqualTo(lostHead);
      assertThat(restore.get("seq").asLong()).isEqualTo(lostHead + 1);
      String day = Instant.parse(restore.get("time").asText()).toString().substring(0, 10);
      JsonNode checkpoint = report.get("latestCheckpoint");
      assertThat(checkpoint.get("seq").asLong()).isEqualTo(lostHead + 2);
      assertThat(verifies(checkpoint)).isTrue();

      String page = server.get("/transparency").body();
      assertThat(page)
          .contains("database was restored from a backup")
          .contains("audit entries " + (backedUpHead + 1) + " to " + lostHead + " were lost")
          .contains("<time datetime=\"" + day + "\">")
          .contains(checkpoint.get("signature").asText());
      assertThat(server.app().audit().verify().intact()).isTrue();
    }
  }

  /** The security-log row of the visit, by id. */
  private static long visitRow(App app) {
    return app.database()
        .read(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement("SELECT id FROM security_log WHERE day = ?")) {
                ps.setString(1, VISIT_DAY.toString());
                try (ResultSet rs = ps.executeQuery()) {
                  assertThat(rs.next()).as("the visit's row").isTrue();
                  return rs.getLong(1);
                }
              }
            });
  }

  /** The address sealed in row {@code id}, opened with its day's key. */
  private static String open(App app, long id) {
    byte[] sealed =
        app.database()
            .read(
                c -> {
                  try (PreparedStatement ps =
                      c.prepareStatement("SELECT sealed_ip FROM security_log WHERE id = ?")) {
                    ps.setLong(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                      rs.next();
                      return rs.getBytes(1);
                    }
                  }
                });
    return new String(
        app.keys().day(VISIT_DAY).open(sealed, VisitorLog.associatedData(VISIT_DAY)),
        StandardCharsets.US_ASCII);
  }

  /** SQLite's online backup: a consistent copy of the live file, taken beside the server. */
  private void backUpSqlite(App app) {
    app.database()
        .read(
            c -> {
              try (Statement s = c.createStatement()) {
                s.execute("VACUUM INTO '" + dir.resolve("backup.db") + "'");
              }
              return null;
            });
  }

  private static String database(String url) {
    return url.substring(url.lastIndexOf('/') + 1).split("\\?")[0];
  }

  /** A copy of the database at {@code sourceUrl}, as {@code pg_dump | pg_restore} would make. */
  private static void copyPostgres(String sourceUrl, String target) throws Exception {
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + target + " TEMPLATE " + database(sourceUrl));
    }
  }

  private static void dropPostgres(String url) throws Exception {
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE " + database(url));
    }
  }

  private static Connection admin() throws Exception {
    return DriverManager.getConnection(
        "jdbc:postgresql://localhost:" + EmbeddedPg.port() + "/postgres", "postgres", "");
  }

  /** The published checkpoint's signature, checked with the published public key alone. */
  private static boolean verifies(JsonNode checkpoint) throws Exception {
    SignatureConfig.register();
    PublicKeyVerify verify =
        TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(
                checkpoint.get("publicKey").asText(), RegistryConfiguration.get())
            .getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class);
    String message =
        "[\"waypost-audit-checkpoint\","
            + checkpoint.get("seq").asLong()
            + ",\""
            + checkpoint.get("hash").asText()
            + "\","
            + Instant.parse(checkpoint.get("time").asText()).toEpochMilli()
            + "]";
    try {
      verify.verify(
          Base64.getDecoder().decode(checkpoint.get("signature").asText()),
          message.getBytes(StandardCharsets.UTF_8));
      return true;
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }
}
