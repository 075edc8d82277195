package org.waypost.web;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import org.eclipse.jetty.io.ConnectionStatistics;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;

/**
 * Jetty's own figures: connections per listener, and requests in flight.
 *
 * <p>Why not Micrometer's Jetty binders: {@code micrometer-jetty12} holds only a request timer
 * (which {@link HttpMetrics} already is) and client metrics; micrometer-core's {@code
 * JettyConnectionMetrics} works on Jetty 12 but measures bytes only on a {@code
 * NetworkTrafficServerConnector}, which calls back on every read and write, and takes a lock on
 * every connection opened and closed. Jetty's {@link ConnectionStatistics} counts the same in
 * lock-free adders, bytes included. Thread pool gauges are left out on purpose: requests run on
 * virtual threads, which no pool holds, so a pool's busy and idle counts would say nothing about
 * load (the JVM's thread metrics cover the platform threads).
 */
final class JettyMetrics {
  private JettyMetrics() {}

  /**
   * Counts {@code connector}'s connections under {@code name} ({@code main} or {@code management}:
   * the one label, with two values). Bytes are counted when a connection closes.
   */
  static void connections(ServerConnector connector, String name, MeterRegistry meters) {
    ConnectionStatistics statistics = new ConnectionStatistics();
    connector.addBean(statistics);
    Tags tags = Tags.of("connector", name);
    Gauge.builder("jetty.connections.current", statistics, ConnectionStatistics::getConnections)
        .description("Open connections")
        .tags(tags)
        .strongReference(true)
        .register(meters);
    FunctionCounter.builder(
            "jetty.connections.opened", statistics, ConnectionStatistics::getConnectionsTotal)
        .description("Connections accepted since the start")
        .tags(tags)
        .register(meters);
    FunctionCounter.builder(
            "jetty.connections.received", statistics, ConnectionStatistics::getReceivedBytes)
        .description("Bytes received over connections that have closed")
        .baseUnit(BaseUnits.BYTES)
        .tags(tags)
        .register(meters);
    FunctionCounter.builder(
            "jetty.connections.sent", statistics, ConnectionStatistics::getSentBytes)
        .description("Bytes sent over connections that have closed")
        .baseUnit(BaseUnits.BYTES)
        .tags(tags)
        .register(meters);
  }

  /** The requests Jetty is handling at this moment, on either listener. */
  static void requestsInFlight(GracefulHandler inFlight, MeterRegistry meters) {
    Gauge.builder("http.server.requests.active", inFlight, GracefulHandler::getCurrentRequestCount)
        .description("Requests being handled")
        .strongReference(true)
        .register(meters);
  }
}
