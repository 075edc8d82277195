package org.waypost.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One real PostgreSQL server for the whole test run (started on first use, a few seconds), and a
 * fresh empty database for every test that asks.
 *
 * <p>The server's data folder lives under {@code target/embedded-pg/} and is not deleted when the
 * test JVM exits: with a few hundred test databases it holds hundreds of thousands of files, and
 * deleting them in a shutdown hook outlasted Surefire's 30 s exit limit on a busy machine. Folders
 * of earlier runs are deleted in the background when the next run starts (and by {@code mvn
 * clean}).
 */
public final class EmbeddedPg {
  private static EmbeddedPostgres server;
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private EmbeddedPg() {}

  private static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        Path runs = Path.of("target", "embedded-pg").toAbsolutePath();
        Files.createDirectories(runs);
        Path data = Files.createTempDirectory(runs, "run-");
        deleteEarlierRuns(runs, data);
        server =
            EmbeddedPostgres.builder()
                .setServerConfig("fsync", "off")
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
      }
    }
    return server;
  }

  private static void deleteEarlierRuns(Path runs, Path current) throws IOException {
    List<Path> earlier;
    try (Stream<Path> listed = Files.list(runs)) {
      earlier = listed.filter(p -> !p.equals(current)).toList();
    }
    if (earlier.isEmpty()) {
      return;
    }
    Thread.ofPlatform()
        .daemon(true)
        .name("embedded-pg-cleanup")
        .start(
            () -> {
              for (Path run : earlier) {
                try (Stream<Path> files = Files.walk(run)) {
                  files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException | UncheckedIOException e) {
                  // another run still using it, or already gone: leave it for the next run
                }
              }
            });
  }

  /** Creates an empty database and returns its JDBC URL (user postgres, no password). */
  public static String newDatabase() {
    String name = "waypost_test_" + DATABASES.incrementAndGet();
    try (Connection c = server().getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return server().getJdbcUrl("postgres", name);
  }

  public static int port() {
    return server().getPort();
  }
}
