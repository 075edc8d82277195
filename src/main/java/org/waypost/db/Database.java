package org.waypost.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.waypost.config.DatabaseConfig;

/**
 * The connection pool, the migrations, and the one transaction helper.
 *
 * <p>SQLite runs in WAL mode with full fsync on commit (an acknowledged event must survive a
 * crash), a busy timeout so a CLI command and a running server can share the file, and IMMEDIATE
 * transactions so two writers queue instead of deadlocking on a lock upgrade. Reads run in
 * autocommit mode and never wait for writers.
 */
public final class Database implements AutoCloseable {
  private final HikariDataSource dataSource;
  private final Dialect dialect;

  private Database(HikariDataSource dataSource, Dialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
  }

  public static Database open(DatabaseConfig config) {
    Dialect dialect = Dialect.of(config.url());
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(config.url());
    hikari.setPoolName("waypost");
    if (dialect == Dialect.SQLITE) {
      createParentFolder(config.url());
      Properties sqlite = new Properties();
      sqlite.setProperty("journal_mode", "WAL");
      sqlite.setProperty("synchronous", "FULL");
      sqlite.setProperty("busy_timeout", "15000");
      sqlite.setProperty("foreign_keys", "true");
      sqlite.setProperty("transaction_mode", "IMMEDIATE");
      // Statement journals and sorts in memory rather than in short-lived temp files, and a page
      // cache (per connection, in KiB) large enough that a batch of visits or scans does not spill
      // dirty pages to the WAL before its commit.
      sqlite.setProperty("temp_store", "MEMORY");
      sqlite.setProperty("cache_size", "-8192");
      hikari.setDataSourceProperties(sqlite);
      hikari.setMaximumPoolSize(Math.min(config.maxPoolSize(), 8));
    } else {
      hikari.setUsername(config.user());
      hikari.setPassword(config.password());
      hikari.setMaximumPoolSize(config.maxPoolSize());
    }
    hikari.setMinimumIdle(1);
    hikari.setConnectionTimeout(15_000);
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(hikari);
    } catch (RuntimeException e) {
      throw new DatabaseException("cannot connect to the database: " + rootMessage(e), e);
    }
    Database database = new Database(dataSource, dialect);
    try {
      database.migrate();
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    return database;
  }

  private void migrate() {
    try {
      migrations(dialect).dataSource(dataSource).load().migrate();
    } catch (RuntimeException e) {
      throw new DatabaseException("database migration failed: " + rootMessage(e), e);
    }
  }

  /** Waypost's migrations for {@code dialect}: the shared ones and the dialect's own. */
  static FluentConfiguration migrations(Dialect dialect) {
    return Flyway.configure()
        .locations("classpath:db/migration", dialect.migrationLocation())
        .placeholders(dialect.migrationPlaceholders());
  }

  private static void createParentFolder(String url) {
    Path file = Path.of(url.substring("jdbc:sqlite:".length()).split("\\?")[0]);
    Path parent = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new DatabaseException("cannot create the data folder " + parent, e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage();
  }

  public Dialect dialect() {
    return dialect;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** Runs {@code work} in one transaction: committed when it returns, rolled back if it throws. */
  public <T> T inTransaction(SqlWork<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        rollbackQuietly(connection, e);
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new DatabaseException("database transaction failed", e);
    }
  }

  /** Runs read-only {@code work} on a connection in autocommit mode. */
  public <T> T read(SqlWork<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      return work.run(connection);
    } catch (SQLException e) {
      throw new DatabaseException("database read failed", e);
    }
  }

  private static void rollbackQuietly(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /** Whether the database answers a trivial query within the timeout. */
  public boolean isReady(int timeoutSeconds) {
    try (Connection connection = dataSource.getConnection()) {
      return connection.isValid(timeoutSeconds);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
