package org.waypost;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;
import org.waypost.config.WaypostConfig;
import org.waypost.db.Database;
import org.waypost.shipper.ApiKeys;
import org.waypost.shipper.ShipperRoutes;
import org.waypost.tracking.EventIngestion;
import org.waypost.tracking.ShipmentRegistry;
import org.waypost.tracking.Tracker;
import org.waypost.tracking.TrackingRoutes;
import org.waypost.tracking.TrackingStore;
import org.waypost.web.HttpServer;
import org.waypost.web.OpsRoutes;
import org.waypost.web.Pages;
import org.waypost.web.Problems;

/**
 * The wiring, by hand and in one place: configuration, then the database, then each feature, then
 * the HTTP server. Commands that only need the features (creating a key, importing events) open an
 * App without starting the server.
 */
public final class App implements AutoCloseable {
  private final WaypostConfig config;
  private final Clock clock;
  private final Database database;
  private final PrometheusMeterRegistry meters;
  private final Tracker tracker;
  private final ShipmentRegistry shipments;
  private final EventIngestion ingestion;
  private final ApiKeys apiKeys;
  private HttpServer server;

  private App(WaypostConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    this.database = Database.open(config.database());
    TrackingStore store = new TrackingStore(database.dialect());
    this.tracker = new Tracker(database, store, config.tracking());
    this.shipments = new ShipmentRegistry(database, store, tracker, config.operator(), clock);
    this.ingestion = new EventIngestion(database, store, tracker, clock, meters);
    this.apiKeys = new ApiKeys(database, clock);
  }

  /** Opens the database (migrating it) and builds every feature; serves nothing yet. */
  public static App open(WaypostConfig config, Clock clock) {
    return new App(config, clock);
  }

  /** Starts the HTTP server on the configured host and port (0 picks a free port). */
  public App serve() {
    new JvmGcMetrics().bindTo(meters);
    Pages pages = new Pages(new Pages.Site(config.operator().name()));
    Problems problems = new Problems(pages);
    server =
        new HttpServer(
                config.server(),
                problems,
                meters,
                List.of(
                    new OpsRoutes(() -> database.isReady(2), meters),
                    new TrackingRoutes(tracker, pages),
                    new ShipperRoutes(apiKeys, shipments, ingestion, config.server())))
            .start();
    return this;
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

  public Tracker tracker() {
    return tracker;
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop();
    }
    database.close();
    meters.close();
  }
}
