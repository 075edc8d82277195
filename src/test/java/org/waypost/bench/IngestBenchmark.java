package org.waypost.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.postgresql.PGConnection;
import org.waypost.App;
import org.waypost.catalog.Service;
import org.waypost.config.ConfigLoader;
import org.waypost.config.WaypostConfig;
import org.waypost.db.Dialect;
import org.waypost.json.Json;
import org.waypost.keys.MasterKey;
import org.waypost.testing.Sql;
import org.waypost.tracking.Location;
import org.waypost.tracking.ShipmentRegistry;
import org.waypost.tracking.TrackingNumber;
import org.waypost.tracking.TrackingStatus;

/**
 * Scan-event ingestion throughput through {@code POST /api/v1/events}, against the fastest way each
 * database itself takes the same rows: PostgreSQL's COPY, and for SQLite a plain JDBC batch insert.
 * Both sides of a ratio run in the same process, on the same database server with the same
 * settings, into identical tables, so the ratio carries over between machines far better than the
 * rate does. (A plain main, not a test: run it with bench/ingest.sh.)
 *
 * <p>The scans are a carrier's feed: every piece gets a realistic fifteen-scan domestic chain, and
 * the feed is cut into batches of 1,000 that a few clients post concurrently, as a shipper's
 * uploader would (see {@link #scans} for the order). Pieces are registered beforehand through the
 * Java API, since registration is not what is measured, and a separate set of pieces and scans
 * warms the JIT up first. PostgreSQL runs with full durability (fsync and synchronous commit on),
 * because an event may be acknowledged only once it is durably stored.
 *
 * <p>System properties: {@code bench.dir} (work folder, default a temp folder), {@code
 * bench.stores} (postgresql,sqlite), {@code bench.shipments} (20000), {@code bench.sqliteShipments}
 * (5000: SQLite commits each registration with its own fsync, one at a time), {@code bench.batch}
 * (1000), {@code bench.inFlight} (4), {@code bench.quietWait} (seconds to wait for an idle machine,
 * 120), {@code bench.jfr} (a file: record a JFR profile of the Waypost PostgreSQL run), {@code
 * bench.warmupShipments} (three times the measured pieces for PostgreSQL, as many for SQLite; the
 * first half of their scans posted in batches of 10 so that per-request code is compiled as well as
 * per-scan code; the JIT time that still falls in the measured phase is reported beside the
 * figures).
 */
public final class IngestBenchmark {
  private static final String MAILER_ID = "123456";
  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
  private static final String COPY_COLUMNS =
      "event_id, account_id, api_key_id, shipment_id, tracking_number, type, event_time,"
          + " event_time_offset, description, city, region, postal_code, country, received_at";

  /** Scans per request in the first half of the warm-up (see {@link #prepare}). */
  private static final int WARMUP_SMALL_BATCH = 10;

  private final Path dir;
  private final int batchSize = Integer.getInteger("bench.batch", 1000);
  private final int inFlight = Integer.getInteger("bench.inFlight", 4);
  private final int quietWaitSeconds = Integer.getInteger("bench.quietWait", 120);
  private final String jfrFile = System.getProperty("bench.jfr");
  private final List<String> report = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  private IngestBenchmark(Path dir) {
    this.dir = dir;
  }

  public static void main(String[] args) throws Exception {
    String dirProperty = System.getProperty("bench.dir");
    Path dir =
        dirProperty == null
            ? Files.createTempDirectory("waypost-ingest")
            : Files.createDirectories(Path.of(dirProperty));
    new IngestBenchmark(dir).run();
  }

  private void run() throws Exception {
    int shipments = Integer.getInteger("bench.shipments", 20_000);
    int sqliteShipments = Integer.getInteger("bench.sqliteShipments", Math.min(shipments, 5_000));
    List<String> stores =
        Arrays.asList(System.getProperty("bench.stores", "postgresql,sqlite").split(","));
    long started = System.nanoTime();
    report.add(
        String.format(
            Locale.ROOT,
            "| %-10s | %-44s | %7s | %9s | %-22s | %-33s |",
            "store",
            "what",
            "rows",
            "rows/s",
            "ratio",
            "CPU: JVM / db / others / idle"));
    report.add(
        "|------------|----------------------------------------------|--------:|----------:"
            + "|------------------------|-----------------------------------|");
    if (stores.contains("postgresql")) {
      postgresql(shipments);
    }
    if (stores.contains("sqlite")) {
      sqlite(sqliteShipments);
    }
    System.out.printf(
        Locale.ROOT,
        "%nIngestion: scan events in batches of %,d, %d in flight, %d cores;"
            + " CPU in cores busy over the phase%n%n",
        batchSize,
        inFlight,
        Runtime.getRuntime().availableProcessors());
    report.forEach(System.out::println);
    System.out.println();
    notes.forEach(System.out::println);
    System.out.printf(Locale.ROOT, "(whole run %.0f s)%n", (System.nanoTime() - started) / 1e9);
  }

  // ---- PostgreSQL

  private void postgresql(int shipments) throws Exception {
    boolean profiling = jfrFile != null;
    say("starting embedded PostgreSQL (fsync on, synchronous_commit on)");
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(dir.resolve("pg"))
            .setCleanDataDirectory(true)
            .setServerConfig("fsync", "on")
            .setServerConfig("synchronous_commit", "on")
            .setServerConfig("full_page_writes", "on");
    if (profiling) {
      builder.setServerConfig("shared_preload_libraries", "pg_stat_statements");
    }
    try (EmbeddedPostgres pg = builder.start()) {
      try (Connection c = pg.getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE waypost_bench");
      }
      Map<String, String> overrides = new HashMap<>(common("pg"));
      overrides.put("database.url", pg.getJdbcUrl("postgres", "waypost_bench"));
      overrides.put("database.user", "postgres");
      try (App app = open(overrides)) {
        app.serve();
        if (profiling) {
          sql(app, "CREATE EXTENSION pg_stat_statements");
        }
        notes.add("PostgreSQL 17 settings, the same for Waypost and COPY: " + settings(app));
        // three times the measured pieces: the measured phase lasts only ~5 s, and with one
        // time as many C2 was still compiling for 2-4 s of it
        Feed feed =
            prepare(
                app, shipments, Integer.getInteger("bench.warmupShipments", 3 * shipments), "pg");
        Meters meters =
            new Meters(CpuMeter.postgres(dir.resolve("pg")), () -> walPosition(app), profiling);
        Result waypost = postEvents(app, feed, "Waypost on PostgreSQL", meters);
        Result copy = copyBaseline(app, feed, meters, "scan_events_copy", 1);
        Result parallel = copyBaseline(app, feed, meters, "scan_events_copy2", 2);
        row("postgresql", "Waypost, POST /api/v1/events", waypost, copy);
        row("postgresql", "COPY into a copy of scan_events (baseline)", copy, copy);
        row("postgresql", "COPY, 2 streams in parallel (the ceiling)", parallel, copy);
        notes.add(
            String.format(
                Locale.ROOT,
                "target: >= 50,000 events/s into PostgreSQL: %s (%,.0f events/s, %.2f of COPY);"
                    + " POST latency per batch p50 %.0f ms, p99 %.0f ms",
                waypost.rate() >= 50_000 ? "met" : "MISSED",
                waypost.rate(),
                waypost.rate() / copy.rate(),
                waypost.p50Millis(),
                waypost.p99Millis()));
        notes.add(
            String.format(
                Locale.ROOT,
                "WAL written per event: Waypost %,d B, COPY %,d B; JIT compilation during"
                    + " Waypost's measured phase: %,d ms",
                waypost.walBytes() / waypost.rows(),
                copy.walBytes() / copy.rows(),
                waypost.jitMillis()));
      }
    }
  }

  /** What a phase measures besides wall time: database CPU, WAL, and (profiling) statements. */
  record Meters(CpuMeter dbCpu, LongSupplier wal, boolean statements) {
    static Meters none() {
      return new Meters(CpuMeter.none(), () -> 0, false);
    }
  }

  private static long walPosition(App app) {
    return Sql.longValue(
        app.database(), "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint");
  }

  private static void sql(App app, String statement) {
    app.database()
        .read(
            c -> {
              try (Statement s = c.createStatement()) {
                s.execute(statement);
              }
              return null;
            });
  }

  /** The statements that took the most time in PostgreSQL since the last reset. */
  private static List<String> topStatements(App app) {
    return app.database()
        .read(
            c -> {
              List<String> out = new ArrayList<>();
              out.add("Top statements in PostgreSQL during the Waypost run (pg_stat_statements):");
              out.add("   total ms     calls        rows    WAL MB  statement");
              try (Statement s = c.createStatement();
                  ResultSet rs =
                      s.executeQuery(
                          "SELECT total_exec_time, calls, rows, wal_bytes,"
                              + " left(regexp_replace(query, '\\s+', ' ', 'g'), 100)"
                              + " FROM pg_stat_statements WHERE dbid = (SELECT oid FROM"
                              + " pg_database WHERE datname = current_database())"
                              + " ORDER BY total_exec_time DESC LIMIT 8")) {
                while (rs.next()) {
                  out.add(
                      String.format(
                          Locale.ROOT,
                          "%11.0f %9d %11d %9.1f  %s",
                          rs.getDouble(1),
                          rs.getLong(2),
                          rs.getLong(3),
                          rs.getDouble(4) / 1e6,
                          rs.getString(5)));
                }
              }
              return out;
            });
  }

  private static String settings(App app) {
    return app.database()
        .read(
            c -> {
              List<String> out = new ArrayList<>();
              for (String name :
                  List.of(
                      "fsync",
                      "synchronous_commit",
                      "full_page_writes",
                      "wal_sync_method",
                      "shared_buffers",
                      "max_wal_size")) {
                try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SHOW " + name)) {
                  rs.next();
                  out.add(name + "=" + rs.getString(1));
                }
              }
              return String.join(", ", out);
            });
  }

  /**
   * COPY of the same rows into a copy of scan_events made {@code LIKE scan_events INCLUDING ALL}
   * (same columns, defaults, identity, unique and secondary indexes; LIKE copies no foreign key).
   * The warm-up rows go first, as they did for Waypost; then the measured rows in one COPY, or
   * split between {@code streams} concurrent COPYs.
   */
  private Result copyBaseline(App app, Feed feed, Meters meters, String table, int streams)
      throws Exception {
    Map<String, Long> ids = shipmentIds(app);
    String sql = "COPY " + table + " (" + COPY_COLUMNS + ") FROM STDIN";
    List<String> parts = new ArrayList<>();
    int size = feed.measured().size();
    for (int i = 0; i < streams; i++) {
      parts.add(
          copyText(
              feed.measured().subList(i * size / streams, (i + 1) * size / streams), ids, feed));
    }
    sql(app, "CREATE TABLE " + table + " (LIKE scan_events INCLUDING ALL)");
    try (Connection c = app.database().dataSource().getConnection()) {
      c.unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn(sql, new StringReader(copyText(feed.warmup(), ids, feed)));
    }
    sql(app, "CHECKPOINT");
    waitQuiet(streams == 1 ? "the COPY baseline" : "the parallel COPY");
    long rows = 0;
    Phase phase = Phase.start(meters);
    try (ExecutorService pool = Executors.newFixedThreadPool(streams)) {
      List<Future<Long>> done = new ArrayList<>();
      for (String part : parts) {
        done.add(
            pool.submit(
                () -> {
                  try (Connection c = app.database().dataSource().getConnection()) {
                    return c.unwrap(PGConnection.class)
                        .getCopyAPI()
                        .copyIn(sql, new StringReader(part));
                  }
                }));
      }
      for (Future<Long> f : done) {
        rows += f.get();
      }
    }
    Result result = phase.stop(rows, List.of());
    expect(rows == size, "COPY stored " + rows + " rows");
    return result;
  }

  /** The rows in COPY's text format, sent by the feed's key as Waypost stores them. */
  private static String copyText(List<Scan> scans, Map<String, Long> ids, Feed feed) {
    long receivedAt = System.currentTimeMillis();
    StringBuilder out = new StringBuilder(scans.size() * 160);
    for (Scan scan : scans) {
      Location l = scan.location();
      field(out, scan.eventId(), false);
      field(out, Long.toString(feed.account()), false);
      field(out, Long.toString(feed.keyRow()), false);
      field(out, Long.toString(ids.get(scan.trackingNumber())), false);
      field(out, scan.trackingNumber(), false);
      field(out, scan.type(), false);
      field(out, Long.toString(scan.time().toInstant().toEpochMilli()), false);
      field(out, Integer.toString(scan.time().getOffset().getTotalSeconds()), false);
      field(out, scan.description(), false);
      field(out, l == null ? null : l.city(), false);
      field(out, l == null ? null : l.region(), false);
      field(out, l == null ? null : l.postalCode(), false);
      field(out, l == null ? null : l.country(), false);
      field(out, Long.toString(receivedAt), true);
    }
    return out.toString();
  }

  /** One field in COPY's text format. */
  private static void field(StringBuilder out, String value, boolean last) {
    if (value == null) {
      out.append("\\N");
    } else {
      for (int i = 0; i < value.length(); i++) {
        char ch = value.charAt(i);
        switch (ch) {
          case '\\' -> out.append("\\\\");
          case '\t' -> out.append("\\t");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          default -> out.append(ch);
        }
      }
    }
    out.append(last ? '\n' : '\t');
  }

  // ---- SQLite

  private void sqlite(int shipments) throws Exception {
    Map<String, String> overrides = new HashMap<>(common("sqlite"));
    Path file = dir.resolve("sqlite/waypost.db");
    overrides.put("database.url", "jdbc:sqlite:" + file);
    try (App app = open(overrides)) {
      app.serve();
      // as many as measured: each SQLite registration is its own fsync, one at a time
      Feed feed =
          prepare(app, shipments, Integer.getInteger("bench.warmupShipments", shipments), "sqlite");
      Result waypost = postEvents(app, feed, "Waypost on SQLite", Meters.none());
      Result batch = sqliteBaseline(app, feed);
      row("sqlite", "Waypost, POST /api/v1/events", waypost, batch);
      row("sqlite", "JDBC batch insert into a copy (baseline)", batch, batch);
      notes.add(
          String.format(
              Locale.ROOT,
              "SQLite (WAL, synchronous=FULL, the settings Waypost opens it with, for both):"
                  + " %,.0f events/s, %.2f of a plain batch insert; POST latency per batch p50"
                  + " %.0f ms, p99 %.0f ms",
              waypost.rate(),
              waypost.rate() / batch.rate(),
              waypost.p50Millis(),
              waypost.p99Millis()));
    }
  }

  /**
   * The same rows through one prepared INSERT, executed in batches of {@code batchSize}, in one
   * transaction, on a connection from Waypost's own pool (WAL, synchronous=FULL, foreign keys on),
   * into a copy of scan_events made from its own DDL (same constraints and indexes).
   */
  private Result sqliteBaseline(App app, Feed feed) throws Exception {
    Map<String, Long> ids = shipmentIds(app);
    try (Connection c = app.database().dataSource().getConnection()) {
      List<String> ddl = new ArrayList<>();
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT sql FROM sqlite_master WHERE tbl_name = 'scan_events'"
                      + " AND sql IS NOT NULL ORDER BY type DESC")) {
        while (rs.next()) {
          ddl.add(rs.getString(1).replace("scan_events", "scan_events_copy"));
        }
      }
      try (Statement s = c.createStatement()) {
        for (String statement : ddl) {
          s.execute(statement);
        }
      }
      insertBatch(c, feed.warmup(), ids, feed);
      waitQuiet("the SQLite baseline");
      Phase phase = Phase.start(Meters.none());
      long rows = insertBatch(c, feed.measured(), ids, feed);
      return phase.stop(rows, List.of());
    }
  }

  private long insertBatch(Connection c, List<Scan> scans, Map<String, Long> ids, Feed feed)
      throws SQLException {
    long receivedAt = System.currentTimeMillis();
    c.setAutoCommit(false);
    long rows = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO scan_events_copy ("
                + COPY_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      int pending = 0;
      for (Scan scan : scans) {
        Location l = scan.location();
        ps.setString(1, scan.eventId());
        ps.setLong(2, feed.account());
        ps.setLong(3, feed.keyRow());
        ps.setLong(4, ids.get(scan.trackingNumber()));
        ps.setString(5, scan.trackingNumber());
        ps.setString(6, scan.type());
        ps.setLong(7, scan.time().toInstant().toEpochMilli());
        ps.setInt(8, scan.time().getOffset().getTotalSeconds());
        ps.setString(9, scan.description());
        setText(ps, 10, l == null ? null : l.city());
        setText(ps, 11, l == null ? null : l.region());
        setText(ps, 12, l == null ? null : l.postalCode());
        setText(ps, 13, l == null ? null : l.country());
        ps.setLong(14, receivedAt);
        ps.addBatch();
        if (++pending == batchSize) {
          rows += Arrays.stream(ps.executeBatch()).sum();
          pending = 0;
        }
      }
      if (pending > 0) {
        rows += Arrays.stream(ps.executeBatch()).sum();
      }
      c.commit();
    } finally {
      c.setAutoCommit(true);
    }
    return rows;
  }

  private static void setText(PreparedStatement ps, int at, String value) throws SQLException {
    if (value == null) {
      ps.setNull(at, Types.VARCHAR);
    } else {
      ps.setString(at, value);
    }
  }

  // ---- the feed

  /** One scan as a shipper's system sends it. */
  record Scan(
      String eventId,
      String trackingNumber,
      String type,
      OffsetDateTime time,
      Location location,
      String description) {}

  /**
   * Warm-up scans (for their own pieces), and the measured scans cut into request bodies; posted
   * with {@code apiKey}, a shipper's key of the account that registered the pieces (so ingestion
   * checks ownership as for any shipper), whose account and key row the baselines store too.
   */
  record Feed(
      String apiKey,
      long account,
      long keyRow,
      List<Scan> warmup,
      List<Scan> measured,
      List<byte[]> warmupBodies,
      List<byte[]> bodies) {}

  private Feed prepare(App app, int shipments, int warmupShipments, String label) throws Exception {
    var created = app.apiKeys().create("Bench Shipper");
    String key = created.key();
    long shipperId = created.shipper().id();
    Random random = new Random(20_261_129L);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    List<Piece> warmPieces = pieces(random, 1_000_000, warmupShipments);
    List<Piece> pieces = pieces(random, 2_000_000, shipments);
    say(
        "%s: registering %,d + %,d pieces through app.shipments()",
        label, warmupShipments, shipments);
    long t0 = System.nanoTime();
    register(app, shipperId, warmPieces);
    register(app, shipperId, pieces);
    say(
        "%s: registered in %.0f s; generating %,d scans",
        label, (System.nanoTime() - t0) / 1e9, (long) shipments * CHAIN.size());
    List<Scan> warmup = scans(random, warmPieces, now);
    List<Scan> measured = scans(random, pieces, now);
    // The first half of the warm-up goes in small batches: a server that has run for a while has
    // compiled its per-request code (HTTP, JDBC statements) as well as its per-scan loops, and
    // 300 batches alone leave the former in C1's profiling tier.
    int half = warmup.size() / 2;
    List<byte[]> warmupBodies =
        new ArrayList<>(bodies(warmup.subList(0, half), WARMUP_SMALL_BATCH));
    warmupBodies.addAll(bodies(warmup.subList(half, warmup.size()), batchSize));
    return new Feed(
        key,
        shipperId,
        created.shipper().keyRow(),
        warmup,
        measured,
        warmupBodies,
        bodies(measured, batchSize));
  }

  record Piece(String number, Service service, City from, City to) {}

  record City(String name, String region, String zip, String facilityZip, ZoneId zone) {
    Location postOffice() {
      return new Location(name, region, zip, "US");
    }

    Location facility() {
      return new Location(name, region, facilityZip, "US");
    }
  }

  private static final ZoneId EASTERN = ZoneId.of("America/New_York");
  private static final ZoneId CENTRAL = ZoneId.of("America/Chicago");
  private static final ZoneId MOUNTAIN = ZoneId.of("America/Denver");
  private static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");
  private static final List<City> CITIES =
      List.of(
          new City("NEW YORK", "NY", "10001", "10199", EASTERN),
          new City("LOS ANGELES", "CA", "90012", "90052", PACIFIC),
          new City("CHICAGO", "IL", "60607", "60607", CENTRAL),
          new City("HOUSTON", "TX", "77002", "77201", CENTRAL),
          new City("PHOENIX", "AZ", "85004", "85026", ZoneId.of("America/Phoenix")),
          new City("PHILADELPHIA", "PA", "19104", "19176", EASTERN),
          new City("DALLAS", "TX", "75201", "75260", CENTRAL),
          new City("ATLANTA", "GA", "30303", "30304", EASTERN),
          new City("SEATTLE", "WA", "98104", "98168", PACIFIC),
          new City("DENVER", "CO", "80202", "80266", MOUNTAIN),
          new City("BOSTON", "MA", "02108", "02205", EASTERN),
          new City("MIAMI", "FL", "33130", "33152", EASTERN),
          new City("MINNEAPOLIS", "MN", "55401", "55401", CENTRAL),
          new City("FAIRFAX", "VA", "22032", "22081", EASTERN));
  private static final List<Service> SERVICES =
      List.of(
          Service.PRIORITY,
          Service.PRIORITY,
          Service.GROUND_ADVANTAGE,
          Service.GROUND_ADVANTAGE,
          Service.PRIORITY_EXPRESS,
          Service.FIRST_CLASS);

  private static List<Piece> pieces(Random random, long firstSerial, int count) {
    List<Piece> pieces = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Service service = SERVICES.get(random.nextInt(SERVICES.size()));
      String number =
          TrackingNumber.issueImpb(service.serviceTypeCode(), MAILER_ID, firstSerial + i).value();
      City from = CITIES.get(random.nextInt(CITIES.size()));
      City to = CITIES.get(random.nextInt(CITIES.size()));
      pieces.add(new Piece(number, service, from, to));
    }
    return pieces;
  }

  /**
   * Registers through the API: from 8 threads on PostgreSQL, whose commits then share fsyncs; from
   * one on SQLite, which takes one writer at a time anyway.
   */
  private static void register(App app, long shipperId, List<Piece> pieces) throws Exception {
    int threads = app.database().dialect() == Dialect.SQLITE ? 1 : 8;
    AtomicInteger next = new AtomicInteger();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement();
                      i < pieces.size();
                      i = next.getAndIncrement()) {
                    Piece p = pieces.get(i);
                    app.shipments()
                        .register(
                            shipperId,
                            new ShipmentRegistry.Request(
                                p.service(),
                                p.number(),
                                p.from().postOffice(),
                                p.to().postOffice(),
                                i % 3 == 0 ? "ORDER-" + (100_000 + i) : null));
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
  }

  /**
   * Fifteen scans per piece, from label to delivery, with realistic gaps; pieces start at random
   * over the last two weeks and all are delivered before now.
   *
   * <p>The feed goes in rounds: the first scan of every piece (in a random order of pieces), then
   * the second scan of every piece in the same order, and so on. So each piece's scans arrive in
   * order, and batches in flight together never share a piece, as in a real network where a
   * thousand scans are a few seconds of traffic among millions of pieces. (A feed sorted by time
   * over only 20,000 pieces would instead put the same piece into neighbouring batches, whose row
   * locks would then make them wait for one another.)
   */
  private static List<Scan> scans(Random random, List<Piece> pieces, Instant now) {
    List<List<Scan>> chains = new ArrayList<>(pieces.size());
    Instant earliest = now.minus(Duration.ofDays(14));
    long window = Duration.ofDays(8).toMinutes();
    for (Piece p : pieces) {
      City hub = CITIES.get(random.nextInt(CITIES.size()));
      Instant t = earliest.plus(Duration.ofMinutes((long) (random.nextDouble() * window)));
      List<Scan> chain = new ArrayList<>(CHAIN.size());
      for (Step step : CHAIN) {
        t = later(random, t, step.minHours(), step.maxHours());
        City city =
            switch (step.site()) {
              case ORIGIN_OFFICE, ORIGIN_FACILITY, LEAVING_ORIGIN -> p.from();
              case HUB, LEAVING_HUB -> hub;
              case DESTINATION_FACILITY, DESTINATION_OFFICE -> p.to();
            };
        Location location =
            switch (step.site()) {
              case ORIGIN_OFFICE, DESTINATION_OFFICE -> city.postOffice();
              case LEAVING_ORIGIN, LEAVING_HUB -> null;
              case ORIGIN_FACILITY, HUB, DESTINATION_FACILITY -> city.facility();
            };
        String description =
            step.description() != null
                ? step.description()
                : DELIVERED.get(random.nextInt(DELIVERED.size()));
        chain.add(
            new Scan(
                "scan-" + p.number() + "-" + chain.size(),
                p.number(),
                step.type(),
                OffsetDateTime.ofInstant(t, city.zone()),
                location,
                description));
      }
      chains.add(chain);
    }
    Collections.shuffle(chains, random);
    List<Scan> feed = new ArrayList<>(pieces.size() * CHAIN.size());
    for (int round = 0; round < CHAIN.size(); round++) {
      for (List<Scan> chain : chains) {
        feed.add(chain.get(round));
      }
    }
    return feed;
  }

  /** Where a step of the chain happens; on the road between facilities a scan has no place. */
  private enum Site {
    ORIGIN_OFFICE,
    ORIGIN_FACILITY,
    LEAVING_ORIGIN,
    HUB,
    LEAVING_HUB,
    DESTINATION_FACILITY,
    DESTINATION_OFFICE
  }

  /** One scan of the chain: what happens where, some hours after the scan before it. */
  private record Step(String type, Site site, int minHours, int maxHours, String description) {}

  /** A domestic piece's fifteen scans; the delivery wording is drawn from {@link #DELIVERED}. */
  private static final List<Step> CHAIN =
      List.of(
          new Step(
              "LABEL_CREATED",
              Site.ORIGIN_OFFICE,
              0,
              0,
              "Shipping label created, USPS awaiting item"),
          new Step("ACCEPTED", Site.ORIGIN_OFFICE, 2, 10, "USPS in possession of item"),
          new Step(
              "ARRIVED", Site.ORIGIN_FACILITY, 2, 6, "Arrived at USPS Regional Origin Facility"),
          new Step(
              "PROCESSED", Site.ORIGIN_FACILITY, 1, 3, "Processed through USPS Regional Facility"),
          new Step("DEPARTED", Site.ORIGIN_FACILITY, 1, 4, "Departed USPS Regional Facility"),
          new Step("IN_TRANSIT", Site.LEAVING_ORIGIN, 3, 10, "In Transit to Next Facility"),
          new Step("ARRIVED", Site.HUB, 4, 14, "Arrived at USPS Regional Facility"),
          new Step("PROCESSED", Site.HUB, 1, 3, "Processed through USPS Regional Facility"),
          new Step("DEPARTED", Site.HUB, 1, 4, "Departed USPS Regional Facility"),
          new Step("IN_TRANSIT", Site.LEAVING_HUB, 3, 10, "In Transit to Next Facility"),
          new Step(
              "ARRIVED",
              Site.DESTINATION_FACILITY,
              4,
              14,
              "Arrived at USPS Regional Destination Facility"),
          new Step("DEPARTED", Site.DESTINATION_FACILITY, 2, 6, "Departed USPS Regional Facility"),
          new Step("ARRIVED", Site.DESTINATION_OFFICE, 2, 5, "Arrived at Post Office"),
          new Step("OUT_FOR_DELIVERY", Site.DESTINATION_OFFICE, 1, 3, "Out for Delivery"),
          new Step("DELIVERED", Site.DESTINATION_OFFICE, 2, 8, null));

  private static final List<String> DELIVERED =
      List.of(
          "Delivered, In/At Mailbox",
          "Delivered, Front Door/Porch",
          "Delivered, Left with Individual",
          "Delivered, Parcel Locker");

  private static Instant later(Random random, Instant t, int minHours, int maxHours) {
    long minutes = minHours * 60L + random.nextInt((maxHours - minHours) * 60 + 1);
    return t.plus(Duration.ofMinutes(minutes));
  }

  /** Request bodies as the contract shows them: a JSON array of events per batch. */
  private static List<byte[]> bodies(List<Scan> scans, int batchSize) {
    List<byte[]> bodies = new ArrayList<>();
    for (int from = 0; from < scans.size(); from += batchSize) {
      List<Map<String, Object>> batch = new ArrayList<>(batchSize);
      for (Scan s : scans.subList(from, Math.min(scans.size(), from + batchSize))) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("eventId", s.eventId());
        event.put("trackingNumber", s.trackingNumber());
        event.put("type", s.type());
        event.put("time", ISO.format(s.time()));
        if (s.location() != null) {
          Map<String, Object> location = new LinkedHashMap<>();
          location.put("city", s.location().city());
          location.put("region", s.location().region());
          location.put("postalCode", s.location().postalCode());
          location.put("country", s.location().country());
          event.put("location", location);
        }
        event.put("description", s.description());
        batch.add(event);
      }
      bodies.add(Json.bytes(batch));
    }
    return bodies;
  }

  // ---- posting

  /** Posts the warm-up bodies, then the measured ones, each by {@code inFlight} clients. */
  private Result postEvents(App app, Feed feed, String label, Meters meters) throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    URI uri = URI.create("http://127.0.0.1:" + app.port() + "/api/v1/events");
    say("%s: warm-up, %,d scans", label, feed.warmup().size());
    Posted warm = post(http, uri, feed.apiKey(), feed.warmupBodies());
    expect(warm.accepted() == feed.warmup().size(), "warm-up accepted " + warm.accepted());
    checkpoint(app);
    waitQuiet(label);
    say("%s: measuring, %,d scans", label, feed.measured().size());
    Recording recording = null;
    if (meters.statements()) {
      sql(app, "SELECT pg_stat_statements_reset()");
      recording = new Recording(Configuration.getConfiguration("profile"));
      recording.setToDisk(true);
      recording.setDestination(Path.of(jfrFile));
      recording.start();
    }
    Phase phase = Phase.start(meters);
    Posted posted = post(http, uri, feed.apiKey(), feed.bodies());
    Result result = phase.stop(posted.accepted(), posted.latenciesNanos());
    if (recording != null) {
      recording.stop();
      recording.close();
      notes.add("JFR profile of the Waypost PostgreSQL run: " + jfrFile);
      notes.addAll(topStatements(app));
    }
    expect(
        posted.accepted() == feed.measured().size(),
        "accepted " + posted.accepted() + " of " + feed.measured().size());
    long delivered =
        Sql.longValue(
            app.database(), "SELECT COUNT(*) FROM shipments WHERE delivered_at IS NOT NULL");
    long pieces = (feed.warmup().size() + feed.measured().size()) / CHAIN.size();
    expect(delivered == pieces, delivered + " of " + pieces + " pieces have a delivery scan");
    // every piece's last scan is its delivery: each 97th one, looked up, must say so
    List<Scan> measured = feed.measured();
    for (int i = 0; i < measured.size(); i += 97) {
      String number = measured.get(i).trackingNumber();
      var status =
          app.tracker().lookup(TrackingNumber.parse(number)).orElseThrow().result().status();
      expect(status == TrackingStatus.DELIVERED, number + " shows " + status);
    }
    return result;
  }

  record Posted(long accepted, List<Long> latenciesNanos) {}

  private Posted post(HttpClient http, URI uri, String apiKey, List<byte[]> bodies)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    long accepted = 0;
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Long>> done = new ArrayList<>();
      for (int t = 0; t < inFlight; t++) {
        done.add(
            clients.submit(
                () -> {
                  long mine = 0;
                  for (int i = next.getAndIncrement();
                      i < bodies.size();
                      i = next.getAndIncrement()) {
                    HttpRequest request =
                        HttpRequest.newBuilder(uri)
                            .header("Authorization", "Bearer " + apiKey)
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(120))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i)))
                            .build();
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> response =
                        http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    latencies.add(System.nanoTime() - t0);
                    if (response.statusCode() != 200) {
                      throw new IOException(
                          "batch "
                              + i
                              + ": HTTP "
                              + response.statusCode()
                              + " "
                              + new String(response.body(), StandardCharsets.UTF_8));
                    }
                    var outcome = Json.MAPPER.readTree(response.body());
                    if (outcome.path("rejected").size() > 0) {
                      throw new IOException("batch " + i + " had rejections: " + outcome);
                    }
                    mine += outcome.path("accepted").asLong();
                  }
                  return mine;
                }));
      }
      for (Future<Long> f : done) {
        accepted += f.get();
      }
    }
    return new Posted(accepted, List.copyOf(latencies));
  }

  // ---- measuring

  record Result(
      long rows,
      double seconds,
      List<Long> latenciesNanos,
      Cpu cpu,
      long walBytes,
      long jitMillis) {
    double rate() {
      return rows / seconds;
    }

    double p50Millis() {
      return percentile(0.50);
    }

    double p99Millis() {
      return percentile(0.99);
    }

    private double percentile(double p) {
      if (latenciesNanos.isEmpty()) {
        return 0;
      }
      List<Long> sorted = latenciesNanos.stream().sorted().toList();
      int at = (int) Math.ceil(p * sorted.size()) - 1;
      return sorted.get(Math.max(0, at)) / 1e6;
    }
  }

  /** Cores' worth of CPU used over a phase: this JVM, the database server, everything else. */
  record Cpu(double jvm, double db, double others, double idle) {}

  /** A measured stretch of wall time with the CPU spent in it. */
  record Phase(
      long startNanos, long jvmCpu, long dbCpu, long[] system, long wal, long jit, Meters meters) {
    static Phase start(Meters meters) {
      long wal = meters.wal().getAsLong();
      return new Phase(
          System.nanoTime(),
          jvmCpuNanos(),
          meters.dbCpu().nanos(),
          systemTicks(),
          wal,
          jitMillis(),
          meters);
    }

    /** Time the JIT compilers have spent so far, which in a measured phase is not steady state. */
    private static long jitMillis() {
      return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    Result stop(long rows, List<Long> latencies) {
      long wall = System.nanoTime() - startNanos;
      long jvm = jvmCpuNanos() - jvmCpu;
      long db = Math.max(0, meters.dbCpu().nanos() - dbCpu);
      long[] now = systemTicks();
      long total = 0;
      for (int i = 0; i < now.length; i++) {
        total += now[i] - system[i];
      }
      double cores = Runtime.getRuntime().availableProcessors();
      double idleShare =
          total == 0 ? 0 : (double) ((now[3] - system[3]) + (now[4] - system[4])) / total;
      double busyCores = cores * (1 - idleShare);
      double jvmCores = jvm / (double) wall;
      double dbCores = db / (double) wall;
      return new Result(
          rows,
          wall / 1e9,
          latencies,
          new Cpu(
              jvmCores, dbCores, Math.max(0, busyCores - jvmCores - dbCores), cores * idleShare),
          meters.wal().getAsLong() - wal,
          jitMillis() - jit);
    }
  }

  /** CPU time of a set of processes. */
  interface CpuMeter {
    long nanos();

    static CpuMeter none() {
      return () -> 0;
    }

    /** The postmaster named in the data folder's postmaster.pid, and its backends. */
    static CpuMeter postgres(Path dataDir) {
      return () -> {
        try {
          long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0));
          ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
          return Stream.concat(Stream.of(postmaster), postmaster.descendants())
              .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
              .sum();
        } catch (IOException | RuntimeException e) {
          return 0;
        }
      };
    }
  }

  private static long jvmCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** user, nice, system, idle, iowait, irq, softirq, steal from /proc/stat (zeros elsewhere). */
  private static long[] systemTicks() {
    long[] ticks = new long[8];
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      for (int i = 0; i < ticks.length && i + 1 < f.length; i++) {
        ticks[i] = Long.parseLong(f[i + 1]);
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the CPU columns stay empty
    }
    return ticks;
  }

  /** Waits (up to bench.quietWait s) until the CPUs are at least 90 % idle before a phase. */
  private void waitQuiet(String phase) throws InterruptedException {
    long deadline = System.nanoTime() + quietWaitSeconds * 1_000_000_000L;
    while (true) {
      long[] a = systemTicks();
      Thread.sleep(2000);
      long[] b = systemTicks();
      long total = 0;
      for (int i = 0; i < a.length; i++) {
        total += b[i] - a[i];
      }
      double idle = total == 0 ? 1 : (double) ((b[3] - a[3]) + (b[4] - a[4])) / total;
      if (idle >= 0.9) {
        return;
      }
      if (System.nanoTime() > deadline) {
        notes.add(
            String.format(
                Locale.ROOT,
                "WARNING: only %.0f%% of the CPUs were idle before %s: other processes distort"
                    + " its figures (see the 'others' CPU column).",
                idle * 100,
                phase));
        return;
      }
      say("waiting for the machine to be quiet before %s (%.0f%% idle)", phase, idle * 100);
      Thread.sleep(3000);
    }
  }

  private static void checkpoint(App app) {
    if (app.database().dialect() == Dialect.POSTGRESQL) {
      sql(app, "CHECKPOINT");
    }
  }

  private void row(String store, String what, Result result, Result baseline) {
    Cpu cpu = result.cpu();
    report.add(
        String.format(
            Locale.ROOT,
            "| %-10s | %-44s | %,7d | %,9.0f | %-22s | %-33s |",
            store,
            what,
            result.rows(),
            result.rate(),
            result == baseline
                ? "1.00 (baseline)"
                : String.format(
                    Locale.ROOT, "%.2f of the baseline", result.rate() / baseline.rate()),
            String.format(
                Locale.ROOT,
                "%.2f / %s / %.2f / %.2f",
                cpu.jvm(),
                store.equals("sqlite") ? "(in JVM)" : String.format(Locale.ROOT, "%.2f", cpu.db()),
                cpu.others(),
                cpu.idle())));
  }

  private static Map<String, Long> shipmentIds(App app) {
    return app.database()
        .read(
            c -> {
              Map<String, Long> ids = new HashMap<>();
              try (Statement s = c.createStatement();
                  ResultSet rs = s.executeQuery("SELECT id, tracking_number FROM shipments")) {
                while (rs.next()) {
                  ids.put(rs.getString(2), rs.getLong(1));
                }
              }
              return ids;
            });
  }

  /** Opens Waypost (not yet serving) with its master key created, as {@code demo} does. */
  private static App open(Map<String, String> overrides) {
    WaypostConfig config = ConfigLoader.load(null, Map.of(), overrides);
    MasterKey.createIfMissing(Path.of(config.privacy().masterKeyFile()));
    return App.open(config, Clock.systemUTC());
  }

  /**
   * Configuration every run shares: files under the work folder, a free port, and the per-key
   * request limit lifted. At its default (1,200 requests a minute) one shipper key could not post
   * more than 20,000 events a second in batches of 1,000; the limit is policy, not throughput.
   */
  private Map<String, String> common(String name) {
    Path keys = dir.resolve(name).resolve("keys");
    return Map.of(
        "privacy.keyDir",
        keys.toString(),
        "privacy.masterKeyFile",
        keys.resolve("master.key").toString(),
        "server.port",
        "0",
        "abuse.shipperRequestsPerMinute",
        "1000000");
  }

  private static void expect(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("benchmark check failed: " + what);
    }
  }

  private static void say(String format, Object... args) {
    System.out.printf(Locale.ROOT, "ingest: " + format + "%n", args);
  }
}
