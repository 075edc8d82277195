package org.waypost.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.testing.Fixtures;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.testing.TestServer;
import org.waypost.tracking.TrackingNumber;

/**
 * The database goes away under a running server and comes back: requests that need it are told
 * {@code 503 unavailable} with {@code Retry-After} within five seconds, readiness says so, and the
 * server recovers by itself, with no restart.
 */
class OutageTest {
  private static final Duration FAST = Duration.ofSeconds(5);
  private static final String SCAN_TIME = "2026-11-29T09:00:00-08:00";

  @TempDir Path dir;

  private static String unknown(int i) {
    return TrackingNumber.issueImpb("055", "654321", 800_000 + i).value();
  }

  /** A piece registered for the shipper "Acme" (its key made with {@code shipperKey}). */
  private static String parcel(TestApp server) {
    long acme = server.app().apiKeys().create("Acme").shipper().id();
    return server.app().shipments().register(acme, Fixtures.priorityToFairfax()).trackingNumber();
  }

  /** Sends a request, checks it took less than {@link #FAST}, returns the response. */
  private static TestServer.Response fast(Supplier<TestServer.Response> request) {
    long started = System.nanoTime();
    TestServer.Response response = request.get();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(FAST);
    return response;
  }

  private static void assertUnavailable(TestServer.Response response) {
    assertThat(response.status()).as(response.body()).isEqualTo(503);
    assertThat(response.contentType()).isEqualTo("application/problem+json");
    assertThat(response.json().get("type").asText()).isEqualTo("/problems/unavailable");
    assertThat(response.json().get("detail").asText()).doesNotContain("SQL").doesNotContain("jdbc");
    assertThat(Long.parseLong(response.header("Retry-After"))).isPositive();
  }

  /** Polls readiness until it says {@code status}; fails after a minute. */
  private static void awaitReadiness(TestApp server, int status) {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    int seen;
    do {
      seen = server.get("/health/ready").status();
      if (seen == status) {
        return;
      }
      sleep(200);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("readiness stayed " + seen + ", expected " + status);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void postgresqlStoppedAnswers503FastAndRecoversWhenItIsBack() throws IOException {
    Path data = dir.resolve("pg");
    EmbeddedPostgres pg = postgres(data, 0);
    int port = pg.getPort();
    Map<String, String> overrides = new HashMap<>(StoreKind.SQLITE.freshStore(dir));
    overrides.put("database.url", pg.getJdbcUrl("postgres", "postgres"));
    overrides.put("database.user", "postgres");
    overrides.put("server.port", "0");
    try (TestApp server =
        TestApp.start(
            TestApp.config(overrides), new MutableClock(Instant.parse("2026-11-29T12:00:00Z")))) {
      String key = server.shipperKey("Acme");
      String known = parcel(server);
      assertThat(server.get("/health/ready").status()).isEqualTo(200);

      pg.close();

      assertUnavailable(fast(() -> server.get("/api/v1/tracking/" + unknown(1))));
      assertUnavailable(
          fast(
              () ->
                  server.postAs(
                      key,
                      "/api/v1/events",
                      "application/json",
                      Fixtures.jsonArray(Fixtures.eventJson("e1", known, "ACCEPTED", SCAN_TIME)))));
      assertThat(fast(() -> server.get("/health/ready")).status()).isEqualTo(503);
      assertThat(server.get("/health/live").status()).isEqualTo(200);

      pg = postgres(data, port);
      try {
        awaitReadiness(server, 200);
        assertThat(server.get("/api/v1/tracking/" + unknown(2)).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/tracking/" + known).status()).isEqualTo(200);
        var scan =
            server.postAs(
                key,
                "/api/v1/events",
                "application/json",
                Fixtures.jsonArray(Fixtures.eventJson("e2", known, "ACCEPTED", SCAN_TIME)));
        assertThat(scan.status()).as(scan.body()).isEqualTo(200);
      } finally {
        pg.close();
      }
    }
  }

  /** A PostgreSQL of its own on {@code data} (port 0: any), which this test stops and starts. */
  private static EmbeddedPostgres postgres(Path data, int port) throws IOException {
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(data)
            .setCleanDataDirectory(false)
            .setServerConfig("fsync", "off");
    if (port != 0) {
      builder.setPort(port);
    }
    return builder.start();
  }

  /**
   * A full disk, made honestly without root: with one pooled connection, {@code PRAGMA
   * max_page_count} set to the pages the file already has makes SQLite refuse every write that
   * needs another page with SQLITE_FULL, exactly the error a full disk gives; raising it again is
   * freeing space.
   */
  @Test
  void aFullDiskAnswers503OnWritesKeepsReadsAndRecoversWhenSpaceIsFreed() {
    Map<String, String> overrides = new HashMap<>(StoreKind.SQLITE.freshStore(dir));
    overrides.put("server.port", "0");
    overrides.put("database.maxPoolSize", "1");
    try (TestApp server =
        TestApp.start(
            TestApp.config(overrides), new MutableClock(Instant.parse("2026-11-29T12:00:00Z")))) {
      Database database = server.app().database();
      String key = server.shipperKey("Acme");
      String known = parcel(server);

      fillTheDisk(database);

      // a batch of scans needs new pages whatever room the tables' last pages have left
      String scans =
          Fixtures.jsonArray(
              IntStream.range(0, 300)
                  .mapToObj(i -> Fixtures.eventJson("e" + i, known, "ARRIVED", SCAN_TIME))
                  .toArray(String[]::new));
      assertUnavailable(
          fast(() -> server.postAs(key, "/api/v1/events", "application/json", scans)));
      assertThat(fast(() -> server.get("/health/ready")).status()).isEqualTo(503);
      assertThat(server.get("/api/v1/tracking/" + known).status())
          .as("reads still work")
          .isEqualTo(200);

      database.read(
          c -> {
            try (Statement s = c.createStatement()) {
              s.execute("PRAGMA max_page_count = 1073741823");
            }
            return null;
          });

      var accepted = server.postAs(key, "/api/v1/events", "application/json", scans);
      assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
      assertThat(accepted.json().get("accepted").asInt()).isEqualTo(300);
      assertThat(server.get("/health/ready").status()).isEqualTo(200);
    }
  }

  /** Caps the file at the pages it has, then writes filler until SQLite says it is full. */
  private static void fillTheDisk(Database database) {
    database.read(
        c -> {
          try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS filler (x BLOB)");
            s.execute("PRAGMA max_page_count = " + pageCount(c));
          }
          return null;
        });
    for (int i = 0; i < 10_000; i++) {
      try {
        database.inTransaction(
            c -> {
              try (Statement s = c.createStatement()) {
                return s.executeUpdate("INSERT INTO filler VALUES (randomblob(2000))");
              }
            });
      } catch (DatabaseUnavailableException full) {
        assertThat(full.reason()).contains("SQLITE_FULL");
        return;
      }
    }
    throw new AssertionError("the database never filled up");
  }

  private static long pageCount(Connection c) throws java.sql.SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA page_count")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
