package org.waypost.testing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.waypost.config.ServerConfig;
import org.waypost.keys.EphemeralKeys;
import org.waypost.net.TrustedProxies;
import org.waypost.web.ErrorPages;
import org.waypost.web.HttpServer;
import org.waypost.web.Pages;
import org.waypost.web.Problems;
import org.waypost.web.Routes;

/**
 * Only the routes a test names, on a bare {@link HttpServer} on a free port, as Javalin's own tests
 * start a server per test: no migrations, keys, request hooks or scheduled jobs. The test builds
 * the routes over whatever real parts they need; a {@code Gate.OPEN} stands in for abuse defence.
 * Loopback is a trusted proxy (in {@code X-Forwarded-For} mode), so a test can say that a request
 * came through a TLS proxy. Where a flow needs the whole server, {@link TestApp} starts it.
 */
public final class RouteServer implements TestServer, AutoCloseable {
  private static final ServerConfig CONFIG =
      new ServerConfig(
          "127.0.0.1",
          0,
          List.of("127.0.0.0/8", "::1"),
          1024 * 1024,
          10_000,
          false,
          "X-Forwarded-For",
          0,
          0);

  private final HttpServer server;
  private final SimpleMeterRegistry meters;
  private final URI base;

  private RouteServer(HttpServer server, SimpleMeterRegistry meters) {
    this.server = server;
    this.meters = meters;
    this.base = URI.create("http://127.0.0.1:" + server.port());
  }

  /**
   * Starts a server with {@code routes}, whose errors are problem+json (or an error page for a
   * browser) except where one of {@code errorPages} covers the path.
   */
  public static RouteServer start(List<ErrorPages> errorPages, Routes... routes) {
    EphemeralKeys pseudonyms = new EphemeralKeys(Clock.systemUTC());
    HttpServer.Pipeline pipeline =
        new HttpServer.Pipeline(
            new TrustedProxies(CONFIG.trustedProxyRanges(), CONFIG.usesForwarded()),
            client -> pseudonyms.tag("client", client.getAddress()),
            List.of());
    Problems problems = new Problems(new Pages("Waypost test"), errorPages);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    HttpServer server = new HttpServer(CONFIG, pipeline, problems, meters, List.of(routes));
    return new RouteServer(server.start(), meters);
  }

  public static RouteServer start(Routes... routes) {
    return start(List.of(), routes);
  }

  @Override
  public URI uri(String path) {
    return base.resolve(path);
  }

  @Override
  public void close() {
    server.stop();
    meters.close();
  }
}
