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
import java.util.ArrayList;
import java.util.List;
import org.waypost.abuse.AuthLockout;
import org.waypost.abuse.Blocks;
import org.waypost.abuse.Incidents;
import org.waypost.abuse.LookupLimits;
import org.waypost.abuse.SharedAbuseState;
import org.waypost.abuse.ShipperQuota;
import org.waypost.abuse.http.AbuseGate;
import org.waypost.abuse.http.IncidentRoutes;
import org.waypost.analytics.Analytics;
import org.waypost.analytics.http.AnalyticsRoutes;
import org.waypost.config.WaypostConfig;
import org.waypost.console.Console;
import org.waypost.console.Sessions;
import org.waypost.db.Database;
import org.waypost.governance.AuditLog;
import org.waypost.governance.Checkpoints;
import org.waypost.governance.LegalDeadlines;
import org.waypost.governance.LegalRequests;
import org.waypost.governance.OperatorAuth;
import org.waypost.governance.Operators;
import org.waypost.governance.Transparency;
import org.waypost.governance.http.AuditRoutes;
import org.waypost.governance.http.LegalRequestRoutes;
import org.waypost.governance.http.OperatorAccess;
import org.waypost.governance.http.TransparencyRoutes;
import org.waypost.keys.EphemeralKeys;
import org.waypost.keys.KeyStore;
import org.waypost.keys.MasterKey;
import org.waypost.net.TrustedProxies;
import org.waypost.nodes.Heartbeats;
import org.waypost.nodes.KeyFolderLedger;
import org.waypost.notify.AddressSeal;
import org.waypost.notify.DemoOutbox;
import org.waypost.notify.EstimateOutbox;
import org.waypost.notify.MailOutbox;
import org.waypost.notify.MailSender;
import org.waypost.notify.MailTransport;
import org.waypost.notify.SecretSeal;
import org.waypost.notify.SmtpTransport;
import org.waypost.notify.SubscriptionLifetimes;
import org.waypost.notify.Subscriptions;
import org.waypost.notify.WebhookDispatcher;
import org.waypost.notify.WebhookOutbox;
import org.waypost.notify.WebhookTargets;
import org.waypost.notify.Webhooks;
import org.waypost.notify.http.DemoMailRoutes;
import org.waypost.notify.http.PageWords;
import org.waypost.notify.http.SubscriptionRoutes;
import org.waypost.notify.http.WebhookRoutes;
import org.waypost.retention.Retention;
import org.waypost.shipper.ApiKeys;
import org.waypost.shipper.IdempotencyKeys;
import org.waypost.shipper.ShipmentRecords;
import org.waypost.shipper.http.ShipmentAdminRoutes;
import org.waypost.shipper.http.ShipperAuth;
import org.waypost.shipper.http.ShipperRoutes;
import org.waypost.tracking.EventIngestion;
import org.waypost.tracking.ShipmentRegistry;
import org.waypost.tracking.Tracker;
import org.waypost.tracking.TrackingLinks;
import org.waypost.tracking.TrackingStore;
import org.waypost.tracking.http.TrackingRoutes;
import org.waypost.visitor.Capture;
import org.waypost.visitor.GeoIp;
import org.waypost.visitor.PolicyVersions;
import org.waypost.visitor.PrivacyPolicy;
import org.waypost.visitor.SecurityLogStore;
import org.waypost.visitor.TrafficCounts;
import org.waypost.visitor.UserAgents;
import org.waypost.visitor.VisitorLog;
import org.waypost.visitor.http.AccessLog;
import org.waypost.visitor.http.PrivacyRoutes;
import org.waypost.visitor.http.VisitorCapture;
import org.waypost.web.HttpServer;
import org.waypost.web.OpsRoutes;
import org.waypost.web.Pages;
import org.waypost.web.Problems;
import org.waypost.web.RequestHook;
import org.waypost.web.Routes;
import org.waypost.web.SiteRoutes;

/**
 * The wiring, by hand and in one place: configuration, then the database, then each feature; and
 * when serving, the request pipeline, the routes and the scheduled jobs. Commands that only need
 * the features (creating a key, importing events) open an App without serving; the key store is
 * opened only when something needs it, so those commands work before a master key exists.
 */
public final class App implements AutoCloseable {
  private final WaypostConfig config;
  private final Clock clock;
  private final PrometheusMeterRegistry meters;
  private final Database database;
  private final Database reads;
  private final TrackingStore trackingStore;
  private final Tracker tracker;
  private final ShipmentRegistry shipments;
  private final EventIngestion ingestion;
  private final MasterKey.Lazy masterKey;
  private final AuditLog audit;
  private final ApiKeys apiKeys;
  private final IdempotencyKeys idempotencyKeys;
  private final Operators operators;
  private final SecurityLogStore securityLog;
  private final TrafficCounts trafficCounts = new TrafficCounts();
  private EphemeralKeys hourlyKeys;
  private SharedAbuseState sharedAbuse;
  private final KeyFolderLedger keyLedger;
  private final WebhookTargets webhookTargets;
  private final Webhooks webhooks;
  private KeyStore keys;
  private WebhookDispatcher webhookDispatcher;
  private final AddressSeal addressSeal;
  private final Subscriptions subscriptions;
  private MailSender mailSender;
  private DemoOutbox demoOutbox;
  private HttpServer server;
  private Capture capture;
  private AccessLog accessLog;
  private Jobs jobs;
  private boolean closed;

  private App(WaypostConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    BuildInfo.current().register(meters);
    this.database = Database.open(config.database(), meters);
    this.reads = openReads();
    this.trackingStore = new TrackingStore(database.dialect());
    this.tracker = new Tracker(database, reads, trackingStore, config.tracking(), meters);
    this.shipments =
        new ShipmentRegistry(
            database, trackingStore, tracker, config.operator(), config.tracking(), clock);
    this.ingestion = new EventIngestion(database, trackingStore, tracker, clock, meters);
    this.masterKey = new MasterKey.Lazy(config.privacy());
    Path checkpoints =
        Path.of(config.privacy().keyDir()).toAbsolutePath().resolveSibling("checkpoints");
    this.audit = new AuditLog(database, clock, new Checkpoints(checkpoints, masterKey));
    this.apiKeys = new ApiKeys(database, clock, audit);
    this.idempotencyKeys = new IdempotencyKeys(database, clock);
    this.operators = new Operators(database, clock, audit);
    this.securityLog = new SecurityLogStore(database.dialect());
    this.keyLedger = new KeyFolderLedger(database, clock);
    this.webhookTargets = new WebhookTargets(config.notifications().allowPrivateWebhooks());
    this.webhooks =
        new Webhooks(
            database,
            new SecretSeal(database, masterKey, clock, "webhook-secret"),
            webhookTargets,
            clock);
    // every writer of scans queues webhooks in its transaction: the API, imports, the demo
    ingestion.addHook(new WebhookOutbox());
    this.addressSeal = new AddressSeal(this::keys, config.notifications());
    this.subscriptions =
        new Subscriptions(
            database,
            new SecretSeal(database, masterKey, clock, "mail-address"),
            addressSeal,
            clock);
    if (mailConfigured()) {
      // without SMTP (or the demo's outbox) no subscription can exist
      ingestion.addHook(new MailOutbox());
      ingestion.addHook(new EstimateOutbox(tracker));
      ingestion.addHook(new SubscriptionLifetimes(addressSeal));
    }
  }

  /** The read replica's pool when one is configured, else the primary's; closed with the App. */
  private Database openReads() {
    try {
      return Database.reads(config.database(), database, meters);
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /** Opens the database (migrating it) and builds every feature; serves nothing yet. */
  public static App open(WaypostConfig config, Clock clock) {
    return new App(config, clock);
  }

  /** Starts the HTTP server on the configured host and port (0 picks a free port). */
  public App serve() {
    KeyStore keyStore = keys();
    RetentionSetting.record(config.privacy(), audit, database);
    // a wrong master key stops the start; a day destroyed ahead of time only goes unrecorded
    keyStore.dayIfKept(LocalDate.now(clock.withZone(ZoneOffset.UTC)));
    if (mailConfigured()) {
      addressSeal.prepare(clock.instant()); // before the first scan can need one
    }
    new JvmGcMetrics().bindTo(meters);

    // the features that only serving needs
    if (!config.abuse().redisUrl().isEmpty()) {
      sharedAbuse = connectRedis();
      hourlyKeys = new EphemeralKeys(clock, sharedAbuse.hourlyKeys());
    } else {
      hourlyKeys = new EphemeralKeys(clock);
    }
    Heartbeats heartbeats = new Heartbeats(database, clock, config.abuse().redisUrl().isEmpty());
    heartbeats.beat();
    Blocks blocks = new Blocks(database, keyStore, config.abuse().maxBlockDays());
    blocks.refresh(clock.instant());
    AbuseGate gate =
        new AbuseGate(
            new LookupLimits(config.abuse(), hourlyKeys, clock, blocks, meters, sharedAbuse),
            new AuthLockout(config.abuse(), hourlyKeys, clock, meters),
            new ShipperQuota(config.abuse(), clock, meters));
    OperatorAccess access = new OperatorAccess(new OperatorAuth(operators), gate);
    Incidents incidents =
        new Incidents(
            database,
            keyStore,
            audit,
            blocks,
            clock,
            config.privacy().securityLogRetentionDays(),
            config.abuse().maxBlockDays());
    LegalRequests legal =
        new LegalRequests(
            database,
            audit,
            keyStore,
            securityLog,
            subscriberSearch(),
            clock,
            config.privacy().securityLogRetentionDays());
    LegalDeadlines deadlines =
        new LegalDeadlines(
            config.governance().legalDueDays(), config.governance().emergencyDueDays(), clock);
    Sessions sessions = new Sessions(database, clock);
    Pages pages =
        new Pages(config.operator().name(), config.site(), !config.site().logoFile().isEmpty());

    // what every request goes through, then what each path serves
    HttpServer.Pipeline pipeline =
        new HttpServer.Pipeline(
            new TrustedProxies(
                config.server().trustedProxyRanges(), config.server().usesForwarded()),
            client -> hourlyKeys.tag(LookupLimits.CLIENT_DOMAIN, client.getAddress()),
            hooks(keyStore, gate));
    Analytics analytics =
        new Analytics(reads, trafficCounts, config.privacy().analyticsMinCount(), clock);
    boolean countries = !config.privacy().geoipDatabase().isEmpty();
    Transparency transparency = new Transparency(database, reads, audit, clock);
    PrivacyPolicy policy = PrivacyPolicy.from(config, countries);
    PolicyVersions policyVersions = new PolicyVersions(database, clock);
    policyVersions.record(policy.settings());
    List<PolicyVersions.Change> policyHistory = policyVersions.history();
    ShipmentRecords shipmentRecords = new ShipmentRecords(database, trackingStore);
    Console console =
        new Console(
            operators,
            sessions,
            incidents,
            legal,
            deadlines,
            audit,
            analytics,
            countries,
            new Console.Administration(apiKeys, transparency, this::retention, shipmentRecords),
            gate,
            pages,
            clock);
    webhookDispatcher =
        new WebhookDispatcher(
            database,
            webhooks,
            webhookTargets,
            tracker,
            audit,
            clock,
            meters,
            Duration.ofMillis(500));
    TrackingRoutes trackingRoutes = new TrackingRoutes(tracker, pages, gate, mailConfigured());
    // without SMTP (or the demo's outbox) the subscription routes and the results page's form are
    // not offered at all (404), rather than taking requests no mail would ever answer
    // Javalin tries a request's path against each route in the order they were added, one regular
    // expression each: lookups, the bulk of the traffic, come first.
    List<Routes> routes =
        new ArrayList<>(
            List.of(
                trackingRoutes,
                new OpsRoutes(() -> database.isReady(2), meters),
                new SiteRoutes(pages),
                new ShipperRoutes(
                    apiKeys,
                    shipments,
                    idempotencyKeys,
                    ingestion,
                    new TrackingLinks(""), // relative until a base URL is configured
                    config.server(),
                    gate),
                new WebhookRoutes(webhooks, webhookDispatcher, new ShipperAuth(apiKeys, gate)),
                new ShipmentAdminRoutes(shipmentRecords, access),
                new PrivacyRoutes(policy, policyHistory, pages, keyStore, clock),
                new AnalyticsRoutes(analytics, access),
                new IncidentRoutes(incidents, access),
                new AuditRoutes(audit, new OperatorAuth(operators), access),
                new LegalRequestRoutes(legal, deadlines, access),
                new TransparencyRoutes(transparency, pages, access),
                console));
    if (mailConfigured()) {
      MailTransport transport;
      if (config.notifications().mailToDemoOutbox()) {
        demoOutbox = new DemoOutbox(clock);
        transport = demoOutbox;
        routes.add(new DemoMailRoutes(demoOutbox, pages, config.notifications().baseUrl()));
      } else {
        transport = new SmtpTransport(config.notifications().smtp(), clock);
      }
      mailSender =
          new MailSender(
              database,
              subscriptions,
              config.notifications(),
              transport,
              new PageWords(),
              clock,
              Duration.ofMillis(500));
      routes.add(new SubscriptionRoutes(subscriptions, mailSender, trackingRoutes, pages));
    }
    server =
        new HttpServer(
                config.server(),
                pipeline,
                new Problems(pages, List.of(console.errorPages())),
                meters,
                routes)
            .start();
    jobs =
        Jobs.start(
            clock,
            meters,
            database,
            retention(),
            blocks,
            audit,
            sessions,
            () -> keyLedger.applyDestructions(keyStore),
            heartbeats::beat);
    webhookDispatcher.start();
    if (mailSender != null) {
      mailSender.start();
    }
    return this;
  }

  /**
   * What a legal request finds of email subscriptions: nothing, unless the operator turned on
   * {@code notifications.legalRequestsReachSubscriptions} (and mail is offered at all).
   */
  private LegalRequests.SubscriberSearch subscriberSearch() {
    if (!mailConfigured() || !config.notifications().legalRequestsReachSubscriptions()) {
      return LegalRequests.SubscriberSearch.NONE;
    }
    return (c, numbers) ->
        subscriptions.confirmedTo(c, numbers).stream()
            .map(
                s ->
                    new LegalRequests.Disclosure.Subscriber(
                        s.trackingNumber(), s.address(), s.confirmedAt()))
            .toList();
  }

  /** The shared abuse state; a node told to share it does not start without it. */
  private SharedAbuseState connectRedis() {
    try {
      return new SharedAbuseState(config.abuse().redisUrl(), config.abuse(), clock);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot reach Redis at abuse.redisUrl ("
              + e.getClass().getSimpleName()
              + "): start Redis or leave abuse.redisUrl empty for a single node",
          e);
    }
  }

  /**
   * The request hooks, in order: visitor capture (unless measuring without it), the access log when
   * configured, and abuse defence observing lookups' outcomes.
   */
  private List<RequestHook> hooks(KeyStore keyStore, AbuseGate gate) {
    List<RequestHook> hooks = new ArrayList<>(3);
    // -Dwaypost.capture=off exists for one purpose: measuring what capture costs (bench/).
    if (!"off".equals(System.getProperty("waypost.capture"))) {
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
      capture = new Capture(visitorLog::record, meters);
      hooks.add(new VisitorCapture(capture, clock));
    }
    if (config.server().accessLog()) {
      accessLog = new AccessLog(meters);
      hooks.add(accessLog);
    }
    hooks.add(gate);
    return hooks;
  }

  /**
   * The day-key store; fails with a clear message when no master key is configured, or when the key
   * folder disagrees with the key files the database records (nodes sharing a database must share
   * the folder).
   */
  public synchronized KeyStore keys() {
    if (keys == null) {
      KeyStore opened =
          new KeyStore(Path.of(config.privacy().keyDir()), masterKey.get(), keyLedger);
      keyLedger.check(opened);
      keys = opened;
    }
    return keys;
  }

  /** Retention over every tier, as the scheduled job and {@code retention run} apply it. */
  public Retention retention() {
    return new Retention(
        database,
        securityLog,
        trafficCounts,
        trackingStore,
        idempotencyKeys,
        keys(),
        audit,
        subscriptions,
        // the mail keys scans will need, made ahead so that no scan's transaction makes one
        mailConfigured() ? addressSeal::prepare : at -> {},
        config.privacy().securityLogRetentionDays(),
        config.tracking().shipmentRetentionDays(),
        config.privacy().aggregateRetentionDays(),
        config.privacy().incidentRetentionDays());
  }

  // ---- what commands and tests reach: the features, and the server once serving

  public AuditLog audit() {
    return audit;
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

  public Webhooks webhooks() {
    return webhooks;
  }

  /** Whether recipients' email is on: an SMTP host is configured, or the demo's outbox. */
  private boolean mailConfigured() {
    return config.notifications().mailEnabled();
  }

  /** The demo's outbox, once serving with it; null otherwise. */
  public DemoOutbox demoOutbox() {
    return demoOutbox;
  }

  /** The mail sender, once serving with SMTP configured; null without. */
  public MailSender mailSender() {
    return mailSender;
  }

  /** The webhook dispatcher, once serving. */
  public WebhookDispatcher webhookDispatcher() {
    return webhookDispatcher;
  }

  /** The visitor capture, once serving (tests flush it to read what a request left). */
  public Capture capture() {
    return capture;
  }

  /** The access log, once serving, if it is on (tests flush it to read what a request left). */
  public AccessLog accessLog() {
    return accessLog;
  }

  /**
   * Stops in order, once (SIGTERM and a shutdown hook may both ask): the server drains and stops,
   * the jobs end, captured visits and the access log are written, then the database closes.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (server != null) {
      server.stop();
    }
    if (jobs != null) {
      jobs.close();
    }
    if (webhookDispatcher != null) {
      webhookDispatcher.close();
    }
    if (mailSender != null) {
      mailSender.close();
    }
    if (capture != null) {
      capture.close();
    }
    if (accessLog != null) {
      accessLog.close();
    }
    if (sharedAbuse != null) {
      sharedAbuse.close();
    }
    if (reads != database) {
      reads.close();
    }
    database.close();
    meters.close();
  }
}
