package org.waypost.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server for the whole test run (started on first use, a few seconds), and a
 * fresh empty database for every test that asks.
 */
public final class EmbeddedPg {
  private static EmbeddedPostgres server;
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private EmbeddedPg() {}

  private static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
      }
    }
    return server;
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
