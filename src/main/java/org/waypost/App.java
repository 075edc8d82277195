package org.waypost;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waypost.abuse.AbuseDefence;
import org.waypost.abuse.Blocks;
import org.waypost.abuse.IncidentRoutes;
import org.waypost.abuse.Incidents;
import org.waypost.analytics.Analytics;
import org.waypost.analytics.AnalyticsRoutes;
import org.waypost.analytics.TrafficCounts;
import org.waypost.config.WaypostConfig;
import org.waypost.console.ConsoleRoutes;
import org.waypost.console.Sessions;
import org.waypost.db.Database;
import org.waypost.governance.AuditLog;
import org.waypost.governance.AuditRoutes;
import org.waypost.governance.Checkpoints;
import org.waypost.governance.LegalRequestRoutes;
import org.waypost.governance.LegalRequests;
import org.waypost.governance.OperatorAuth;
import org.waypost.governance.Operators;
import org.waypost.governance.Transparency;
import org.waypost.governance.TransparencyRoutes;
import org.waypost.keys.EphemeralKeys;
import org.waypost.keys.KeyStore;
import org.waypost.keys.MasterKey;
import org.waypost.retention.Retention;
import org.waypost.shipper.ApiKeys;
import org.waypost.shipper.ShipperRoutes;
import org.waypost.tracking.EventIngestion;
import org.waypost.tracking.ShipmentRegistry;
import org.waypost.tracking.Tracker;
import org.waypost.tracking.TrackingRoutes;
import org.waypost.tracking.TrackingStore;
import org.waypost.visitor.Capture;
import org.waypost.visitor.ClientAddresses;
import org.waypost.visitor.GeoIp;
import org.waypost.visitor.PrivacyPolicy;
import org.waypost.visitor.PrivacyRoutes;
import org.waypost.visitor.SecurityLogStore;
import org.waypost.visitor.UserAgents;
import org.waypost.visitor.VisitorLog;
import org.waypost.web.AbuseGate;
import org.waypost.web.AccessLog;
import org.waypost.web.HttpServer;
import org.waypost.web.OpsRoutes;
import org.waypost.web.Pages;
import org.waypost.web.Problems;
import org.waypost.web.RequestCapture;

/**
 * The wiring, by hand and in one place: configuration, then the database, then each feature, then
 * the HTTP server. Commands that only need the features (creating a key, importing events) open an
 * App without starting the server; the key store is opened only when something needs it, so those
 * commands work before a master key exists.
 */
public final class App implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(App.class);

  private final WaypostConfig config;
  private final Clock clock;
  private final Database database;
  private final PrometheusMeterRegistry meters;
  private final TrackingStore trackingStore;
  private final Tracker tracker;
  private final ShipmentRegistry shipments;
  private final EventIngestion ingestion;
  private final ApiKeys apiKeys;
  private final Operators operators;
  private final SecurityLogStore securityLog;
  private final TrafficCounts trafficCounts = new TrafficCounts();
  private final EphemeralKeys hourlyKeys;
  private MasterKey masterKey;
  private KeyStore keys;
  private final AuditLog audit;
  private HttpServer server;
  private Capture capture;
  private AccessLog accessLog;
  private ScheduledExecutorService scheduler;

  private App(WaypostConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    this.database = Database.open(config.database());
    this.trackingStore = new TrackingStore(database.dialect());
    this.tracker = new Tracker(database, trackingStore, config.tracking());
    this.shipments =
        new ShipmentRegistry(database, trackingStore, tracker, config.operator(), clock);
    this.ingestion = new EventIngestion(database, trackingStore, tracker, clock, meters);
    Path checkpoints =
        Path.of(config.privacy().keyDir()).toAbsolutePath().resolveSibling("checkpoints");
    this.audit = new AuditLog(database, clock, new Checkpoints(checkpoints, this::masterKey));
    this.apiKeys = new ApiKeys(database, clock, audit);
    this.operators = new Operators(database, clock, audit);
    this.securityLog = new SecurityLogStore(database.dialect());
    this.hourlyKeys = new EphemeralKeys(clock);
  }

  /** Opens the database (migrating it) and builds every feature; serves nothing yet. */
  public static App open(WaypostConfig config, Clock clock) {
    return new App(config, clock);
  }

  private synchronized MasterKey masterKey() {
    if (masterKey == null) {
      masterKey = MasterKey.load(config.privacy());
    }
    return masterKey;
  }

  /** The day-key store; fails with a clear message when no master key is configured. */
  public synchronized KeyStore keys() {
    if (keys == null) {
      keys = new KeyStore(Path.of(config.privacy().keyDir()), masterKey());
    }
    return keys;
  }

  /** The audit log; its signed checkpoints live beside the key folder, outside the database. */
  public AuditLog audit() {
    return audit;
  }

  public Retention retention() {
    return new Retention(
        database,
        securityLog,
        trafficCounts,
        trackingStore,
        keys(),
        audit,
        config.privacy().securityLogRetentionDays(),
        config.tracking().shipmentRetentionDays());
  }

  /** Starts the HTTP server on the configured host and port (0 picks a free port). */
  public App serve() {
    KeyStore keyStore = keys();
    recordRetentionSetting();
    keyStore.day(LocalDate.now(clock.withZone(ZoneOffset.UTC)));
    new JvmGcMetrics().bindTo(meters);
    GeoIp geoIp =
        config.privacy().geoipDatabase().isEmpty()
            ? GeoIp.none()
            : GeoIp.open(Path.of(config.privacy().geoipDatabase()));
    VisitorLog visitorLog =
        new VisitorLog(
            database,
            securityLog,
            trafficCounts,
            keyStore,
            new UserAgents(),
            geoIp,
            config.privacy().honorGpc());
    // -Dwaypost.capture=off exists for one purpose: measuring what capture costs (bench/).
    boolean captureOff = "off".equals(System.getProperty("waypost.capture"));
    capture = captureOff ? null : new Capture(visitorLog::record, meters);
    accessLog = config.server().accessLog() ? new AccessLog(meters) : null;
    RequestCapture requests =
        new RequestCapture(
            new ClientAddresses(config.server().trustedProxyRanges()),
            config.server().usesForwarded(),
            capture,
            hourlyKeys,
            clock,
            accessLog);
    Pages pages = new Pages(new Pages.Site(config.operator().name()));
    Problems problems = new Problems(pages);
    OperatorAuth auth = new OperatorAuth(operators);
    Blocks blocks = new Blocks(database, keyStore, config.abuse().maxBlockDays());
    blocks.refresh(clock.instant());
    AbuseGate gate =
        new AbuseGate(
            new AbuseDefence(config.abuse(), hourlyKeys, clock, blocks, meters), auth, requests);
    Analytics analytics =
        new Analytics(database, trafficCounts, config.privacy().analyticsMinCount(), clock);
    Incidents incidents =
        new Incidents(database, keyStore, audit, config.privacy().securityLogRetentionDays());
    LegalRequests legalRequests =
        new LegalRequests(
            database,
            audit,
            keyStore,
            securityLog,
            clock,
            config.privacy().securityLogRetentionDays());
    Transparency transparency = new Transparency(database, audit, clock);
    Sessions sessions = new Sessions(database, clock);
    server =
        new HttpServer(
                config.server(),
                problems,
                meters,
                requests,
                gate,
                List.of(
                    new OpsRoutes(() -> database.isReady(2), meters),
                    new TrackingRoutes(tracker, pages),
                    new ShipperRoutes(apiKeys, shipments, ingestion, config.server(), gate),
                    new PrivacyRoutes(
                        PrivacyPolicy.from(config, !config.privacy().geoipDatabase().isEmpty()),
                        pages,
                        keyStore,
                        requests,
                        clock),
                    new AnalyticsRoutes(analytics, gate),
                    new IncidentRoutes(incidents, gate),
                    new AuditRoutes(audit, auth, gate),
                    new LegalRequestRoutes(legalRequests, gate),
                    new TransparencyRoutes(transparency, pages, gate),
                    new ConsoleRoutes(
                        operators, sessions, incidents, legalRequests, audit, gate, pages, clock)))
            .start();
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("waypost-scheduler").daemon(true).unstarted(r));
    every(
        Duration.ofSeconds(30),
        Duration.ofSeconds(30),
        "blocks",
        () -> blocks.refresh(clock.instant()));
    every(
        Duration.ofMinutes(1),
        Duration.ofMinutes(1),
        "audit-checkpoint",
        audit::checkpointWhenPossible);
    every(Duration.ofMinutes(15), Duration.ofMinutes(15), "sessions", sessions::purgeExpired);
    scheduleRetention(blocks);
    return this;
  }

  /**
   * Puts the retention configuration on the record when it differs from the last one recorded, so
   * that shortening or lengthening retention is as visible as any other access decision.
   */
  private void recordRetentionSetting() {
    Map<String, Object> setting =
        Map.of("securityLogRetentionDays", config.privacy().securityLogRetentionDays());
    String recorded = audit.latest("config.retention").map(AuditLog.Entry::details).orElse(null);
    if (!AuditLog.canonical(setting).equals(recorded)) {
      database.inTransaction(
          c ->
              audit.append(
                  c,
                  Operators.LOCAL_ADMIN,
                  "config.retention",
                  "privacy.securityLogRetentionDays",
                  setting));
      audit.checkpointWhenPossible();
    }
  }

  /**
   * Applies retention now and every 15 minutes; the key of each new day is made on first use. The
   * block index lets go of destroyed days' keys at once rather than at its next refresh.
   */
  private void scheduleRetention(Blocks blocks) {
    Retention retention = retention();
    every(
        Duration.ZERO,
        Duration.ofMinutes(15),
        "retention",
        () -> {
          retention.run(clock.instant());
          blocks.refresh(clock.instant());
        });
  }

  /** Runs {@code task} first after {@code firstDelay}, then {@code period} after each run ends. */
  private void every(Duration firstDelay, Duration period, String name, Runnable task) {
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            log.error("scheduled task failed task={} error={}", name, e.getClass().getName());
          }
        },
        firstDelay.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  public int port() {
    return server.port();
  }

  public HttpServer server() {
    return server;
  }

  public WaypostConfig config() {
    return config;
  }

  public Clock clock() {
    return clock;
  }

  /** The metrics {@code /metrics} shows. */
  public MeterRegistry meters() {
    return meters;
  }

  public Database database() {
    return database;
  }

  public ShipmentRegistry shipments() {
    return shipments;
  }

  public EventIngestion ingestion() {
    return ingestion;
  }

  public ApiKeys apiKeys() {
    return apiKeys;
  }

  public Operators operators() {
    return operators;
  }

  public Tracker tracker() {
    return tracker;
  }

  /** The visitor capture, once serving (tests flush it to read what a request left). */
  public Capture capture() {
    return capture;
  }

  /** The access log, once serving, if it is on (tests flush it to read what a request left). */
  public AccessLog accessLog() {
    return accessLog;
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop();
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    if (capture != null) {
      capture.close();
    }
    if (accessLog != null) {
      accessLog.close();
    }
    database.close();
    meters.close();
  }
}
