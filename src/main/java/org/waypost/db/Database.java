package org.waypost.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waypost.config.DatabaseConfig;
import org.waypost.keys.KeyFiles;

/**
 * The connection pool, the migrations, and the one transaction helper.
 *
 * <p>SQLite runs in WAL mode with full fsync on commit (an acknowledged event must survive a
 * crash), a busy timeout so a CLI command and a running server can share the file, and IMMEDIATE
 * transactions so two writers queue instead of deadlocking on a lock upgrade. Reads run in
 * autocommit mode and never wait for writers.
 *
 * <p>Outages ({@link Outages}: the server down, the disk full, a lock held too long) surface as
 * {@link DatabaseUnavailableException} from {@link #read} and {@link #inTransaction}, so that every
 * caller answers {@code 503} without knowing SQL. A request waits at most {@link
 * #CONNECTION_TIMEOUT_MILLIS} for a connection. Readiness ({@link #isReady}) fails while no
 * connection answers, and also for {@link #WRITE_FAILURE_MEMORY_NANOS} after storage refused a
 * write (a full disk) unless a write has succeeded since: a full disk leaves reads working, so a
 * trivial query alone would call the database ready. Remembering the failure rather than probing
 * with a write of our own keeps readiness honest without writing anything: a probe row would fit in
 * pages a full disk still has, and tell nothing.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  /** How long a request waits for a connection before it is answered {@code unavailable}. */
  static final long CONNECTION_TIMEOUT_MILLIS = 3_000;

  /**
   * How long a node reads from the primary what it has just written, when reads otherwise go to a
   * replica ({@link #reads}): longer than a healthy replica's lag by far, short enough that the
   * primary is spared almost every read.
   */
  public static final Duration OWN_WRITES_WINDOW = Duration.ofSeconds(10);

  /** How long a write that failed for an outage keeps readiness down, unless one succeeds. */
  static final long WRITE_FAILURE_MEMORY_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final HikariDataSource dataSource;
  private final Dialect dialect;
  private final AtomicBoolean down = new AtomicBoolean();
  private volatile boolean writesFailing;
  private volatile long writeFailedAt;

  private Database(HikariDataSource dataSource, Dialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
  }

  /** Opens the pool and migrates, without pool metrics (for commands and tests). */
  public static Database open(DatabaseConfig config) {
    return open(config, null);
  }

  /**
   * Opens the pool and migrates; the pool's metrics ({@code
   * hikaricp_connections_*{pool="waypost"}}) go to {@code meters} unless it is null.
   */
  public static Database open(DatabaseConfig config, MeterRegistry meters) {
    Database database = pool(config, config.url(), false, meters);
    try {
      database.migrate();
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
    return database;
  }

  /**
   * Opens a pool on the read replica ({@code database.replicaUrl}, pool {@code waypost-replica}),
   * or returns {@code primary} when none is configured. A replica is never migrated (it follows the
   * primary) and its connections are read-only, so a write sent there by mistake fails loudly.
   */
  public static Database reads(DatabaseConfig config, Database primary, MeterRegistry meters) {
    if (!config.hasReplica()) {
      return primary;
    }
    return pool(config, config.replicaUrl(), true, meters);
  }

  private static Database pool(
      DatabaseConfig config, String url, boolean replica, MeterRegistry meters) {
    Dialect dialect = Dialect.of(url);
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(url);
    hikari.setPoolName(replica ? "waypost-replica" : "waypost");
    if (replica) {
      // pgjdbc makes only transactions read-only unless told "always"; reads run in autocommit
      hikari.setReadOnly(true);
      hikari.addDataSourceProperty("readOnlyMode", "always");
    }
    if (meters != null) {
      hikari.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meters));
    }
    if (dialect == Dialect.SQLITE) {
      prepareFile(url);
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
    hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
    hikari.setValidationTimeout(CONNECTION_TIMEOUT_MILLIS * 2 / 3);
    try {
      return new Database(new HikariDataSource(hikari), dialect);
    } catch (RuntimeException e) {
      String which = replica ? "the read replica (database.replicaUrl)" : "the database";
      throw new DatabaseException("cannot connect to " + which + ": " + rootMessage(e), e);
    }
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

  /**
   * Creates the SQLite file, empty, before SQLite does: mode 0600 (SQLite would make it 0644 less
   * the umask), which SQLite then gives its {@code -wal} and {@code -shm} files too; missing
   * folders above it are made 0700. A file that exists is left as it is, with a warning when others
   * may read it. POSIX file systems only; elsewhere SQLite creates the file. A {@code file:} URI is
   * left to SQLite.
   */
  private static void prepareFile(String url) {
    String name = url.substring("jdbc:sqlite:".length()).split("\\?")[0];
    if (name.startsWith("file:")) {
      return;
    }
    Path file = Path.of(name).toAbsolutePath();
    Path parent = file.getParent();
    try {
      KeyFiles.createPrivateDirectories(parent);
    } catch (IOException e) {
      throw new DatabaseException("cannot create the data folder " + parent, e);
    }
    try {
      if (!KeyFiles.createPrivateFile(file) && KeyFiles.sharedWithOthers(file)) {
        log.warn(
            "{} may be read by other users (mode {}): chmod 600 it and its -wal and -shm files",
            file,
            PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      }
    } catch (IOException e) {
      throw new DatabaseException("cannot create the database file " + file, e);
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

  /**
   * Runs {@code work} in one transaction: committed when it returns, rolled back if it throws.
   *
   * @throws DatabaseUnavailableException when the database cannot serve (see {@link Outages})
   */
  public <T> T inTransaction(SqlWork<T> work) {
    try {
      T result = transaction(work);
      committed();
      return result;
    } catch (RuntimeException e) {
      RuntimeException failure = classified(e);
      if (failure instanceof DatabaseUnavailableException outage && outage.writesRefused()) {
        writeFailed();
      }
      throw failure;
    }
  }

  private <T> T transaction(SqlWork<T> work) {
    try (Connection connection = connection()) {
      connection.setAutoCommit(false);
      T result;
      try {
        result = work.run(connection);
        connection.commit();
      } catch (SQLException | RuntimeException | Error e) {
        // Some failures end the transaction themselves (SQLite rolls back on SQLITE_FULL, a lost
        // PostgreSQL connection is closed): cleaning up then fails too, and must not hide them.
        rollbackQuietly(connection, e);
        throw e;
      }
      connection.setAutoCommit(true);
      return result;
    } catch (SQLException e) {
      throw failure("database transaction failed", e);
    }
  }

  /**
   * Runs {@code work} in a transaction that is always rolled back: to count what a change would do
   * with the very statements that would do it (what the next retention run will remove), so that
   * the count and the change cannot drift apart.
   */
  public <T> T rolledBack(SqlWork<T> work) {
    try (Connection connection = connection()) {
      connection.setAutoCommit(false);
      try {
        return work.run(connection);
      } finally {
        connection.rollback();
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure("database transaction failed", e);
    } catch (RuntimeException e) {
      throw classified(e);
    }
  }

  /**
   * Runs read-only {@code work} on a connection in autocommit mode.
   *
   * @throws DatabaseUnavailableException when the database cannot serve (see {@link Outages})
   */
  public <T> T read(SqlWork<T> work) {
    try (Connection connection = connection()) {
      return work.run(connection);
    } catch (SQLException e) {
      throw failure("database read failed", e);
    } catch (RuntimeException e) {
      throw classified(e);
    }
  }

  private Connection connection() throws SQLException {
    return dataSource.getConnection();
  }

  /**
   * {@code e}, or {@link DatabaseUnavailableException} when it stems from an outage: work may wrap
   * a {@link SQLException} itself (the audit log does).
   */
  private RuntimeException classified(RuntimeException e) {
    if (e instanceof DatabaseUnavailableException) {
      return e;
    }
    SQLException outage = Outages.find(dialect, e);
    return outage == null ? e : unavailable(outage);
  }

  /** An outage as {@link DatabaseUnavailableException}, anything else as a plain failure. */
  private RuntimeException failure(String what, SQLException e) {
    return Outages.isOutage(dialect, e) ? unavailable(e) : new DatabaseException(what, e);
  }

  /** Logs the start of an outage once, by class only: a driver's message may quote data. */
  private DatabaseUnavailableException unavailable(SQLException e) {
    if (down.compareAndSet(false, true)) {
      log.warn(
          "database unavailable error={} sqlstate={} code={}",
          e.getClass().getName(),
          e.getSQLState(),
          e.getErrorCode());
    }
    return new DatabaseUnavailableException(e, Outages.refusesWrites(dialect, e));
  }

  private void writeFailed() {
    writeFailedAt = System.nanoTime();
    writesFailing = true;
  }

  /** A commit ends an outage: reads alone may work while writes still fail (a full disk). */
  private void committed() {
    if (writesFailing) {
      writesFailing = false;
    }
    if (down.get() && down.compareAndSet(true, false)) {
      log.info("database available again");
    }
  }

  private static void rollbackQuietly(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
    try {
      connection.setAutoCommit(true);
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * Runs {@code work} unless another process sharing this database runs the job of that name: on
   * PostgreSQL under a session-level advisory lock ({@code pg_try_advisory_lock}) held on a
   * connection of its own for the whole run, so that work spanning several transactions and the key
   * folder is covered; when the lock is held elsewhere the run is skipped, with one log line, and
   * the result is empty. The lock ends with the session, so a node that dies mid-run frees it.
   *
   * <p>On SQLite the work simply runs: SQLite serves one node, and a command run next to it queues
   * behind the server's IMMEDIATE write transactions, which each job is written to be safe under.
   */
  public <T> Optional<T> exclusively(String job, Supplier<T> work) {
    if (dialect != Dialect.POSTGRESQL) {
      return Optional.of(work.get());
    }
    try (Connection connection = connection()) {
      if (!advisoryLock(connection, "pg_try_advisory_lock", job)) {
        log.info("job skipped, another node runs it job={}", job);
        return Optional.empty();
      }
      try {
        return Optional.of(work.get());
      } finally {
        advisoryLock(connection, "pg_advisory_unlock", job);
      }
    } catch (SQLException e) {
      throw failure("job lock failed", e);
    }
  }

  /** Calls {@code function(WAYPOST, hash of job)}: Waypost's lock space, then the job. */
  private static boolean advisoryLock(Connection connection, String function, String job)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT " + function + "(?, ?)")) {
      ps.setInt(1, JOB_LOCK_SPACE);
      ps.setInt(2, job.hashCode()); // String.hashCode is specified, so every node agrees
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** The first key of Waypost's advisory locks ("WAYP"), apart from other users of the server. */
  private static final int JOB_LOCK_SPACE = 0x57415950;

  /**
   * Whether the database can serve: no write has failed for an outage in the last {@link
   * #WRITE_FAILURE_MEMORY_NANOS} without one succeeding since, and a connection answers within the
   * timeout.
   */
  public boolean isReady(int timeoutSeconds) {
    if (writesFailing && System.nanoTime() - writeFailedAt < WRITE_FAILURE_MEMORY_NANOS) {
      return false;
    }
    try (Connection connection = connection()) {
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
