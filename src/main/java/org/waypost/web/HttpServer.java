package org.waypost.web;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waypost.config.ServerConfig;
import org.waypost.error.Phrase;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.net.TrustedProxies;

/**
 * The Javalin server: virtual threads, security headers on every response, problem+json for every
 * error, request metrics, the request hooks features plug into, and each feature's routes. It knows
 * no feature: what they add to every request comes through {@link RequestHook}s, and what they
 * serve through {@link Routes}.
 *
 * <p>Errors are logged with a request id and the exception's class and stack, never its message
 * text or the request path, since either may hold a tracking number.
 */
public final class HttpServer {

  /** What the server needs besides routes: who to trust for client addresses, and the hooks. */
  public record Pipeline(
      TrustedProxies proxies, Exchange.Pseudonyms pseudonyms, List<RequestHook> hooks) {
    public Pipeline {
      hooks = List.copyOf(hooks);
    }
  }

  /** How long Jetty itself waits, after the drain, for requests that slipped in at the end. */
  private static final long STOP_TIMEOUT_MILLIS = 2_000;

  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

  /** An address that leads nowhere, in words a person uses (not Javalin's "Endpoint ..."). */
  private static final ProblemException NOTHING_HERE =
      new ProblemException(
          ProblemType.NOT_FOUND,
          "There is nothing at this address.",
          Phrase.of("address.notFound"));

  private final Javalin app;
  private final ServerConfig config;
  private final Pipeline pipeline;
  private final RequestHook[] hooks;
  private final HttpMetrics metrics;
  private final MeterRegistry meters;
  private final GracefulHandler inFlight = new GracefulHandler();
  // Requests that reached the routes, and those whose after-response hooks have finished.
  private final LongAdder received = new LongAdder();
  private final LongAdder settled = new LongAdder();
  private volatile boolean draining;

  public HttpServer(
      ServerConfig config,
      Pipeline pipeline,
      Problems problems,
      MeterRegistry meters,
      List<Routes> features) {
    this.config = config;
    this.pipeline = pipeline;
    this.hooks = pipeline.hooks().toArray(new RequestHook[0]);
    this.metrics = new HttpMetrics(meters);
    this.meters = meters;
    JettyMetrics.requestsInFlight(inFlight, meters);
    this.app =
        Javalin.create(
            javalin -> {
              listeners(javalin, new ProtocolErrors(problems));
              javalin.concurrency.useVirtualThreads = true;
              javalin.startup.showJavalinBanner = false;
              javalin.startup.showOldJavalinVersionWarning = false;
              javalin.http.maxRequestSize = config.maxRequestBytes();
              javalin.http.generateEtags = false;
              javalin.staticFiles.add(
                  files -> {
                    files.hostedPath = "/static";
                    files.directory = "/static";
                    files.location = Location.CLASSPATH;
                    files.headers = Map.of("Cache-Control", "public, max-age=3600");
                  });
              javalin.requestLogger.http(this::answered);
              var routes = javalin.routes;
              routes.before(this::received);
              routes.exception(ProblemException.class, (e, ctx) -> problems.respond(ctx, e));
              routes.exception(
                  HttpResponseException.class,
                  (e, ctx) -> {
                    if (e.getStatus() == 404) {
                      problems.respond(ctx, NOTHING_HERE);
                    } else {
                      problems.respond(ctx, fromStatus(e.getStatus()), e.getMessage());
                    }
                  });
              routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    String requestId = Problems.logFailure(ctx, e);
                    problems.respond(
                        ctx,
                        new ProblemException(
                            ProblemType.INTERNAL_ERROR,
                            Problems.failureDetail(requestId),
                            Map.of("requestId", requestId),
                            0,
                            Phrase.of("server.failed", requestId)));
                  });
              routes.error(
                  404,
                  ctx -> {
                    if (ctx.result() == null) {
                      problems.respond(ctx, NOTHING_HERE);
                    }
                  });
              routes.error(
                  405,
                  ctx ->
                      problems.respond(
                          ctx,
                          ProblemType.METHOD_NOT_ALLOWED,
                          "This address does not accept " + ctx.method().name() + "."));
              for (Routes feature : features) {
                feature.register(routes);
              }
            });
  }

  /**
   * Jetty below the routes: its own errors answered as problems, malformed escapes refused, the
   * requests in flight counted for the drain, and the listeners: the main port, and the management
   * port when configured, each with its connection metrics.
   */
  private void listeners(JavalinConfig javalin, ProtocolErrors protocolErrors) {
    javalin.jetty.modifyServer(
        server -> {
          server.setErrorHandler(protocolErrors);
          server.insertHandler(new MalformedEscapes());
          server.insertHandler(inFlight);
          server.setStopTimeout(STOP_TIMEOUT_MILLIS);
        });
    // the main connector first: Javalin reports the first one's port
    javalin.jetty.addConnector((server, http) -> connector(server, http, config.port(), "main"));
    if (config.hasManagementPort()) {
      javalin.jetty.addConnector(
          (server, http) -> connector(server, http, config.managementPort(), "management"));
    }
  }

  private ServerConnector connector(Server server, HttpConfiguration http, int port, String name) {
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setName(name);
    connector.setHost(config.host());
    connector.setPort(port);
    JettyMetrics.connections(connector, name, meters);
    return connector;
  }

  /**
   * Before routing: settles the client, sets the security headers, keeps {@code /metrics} and
   * {@code /health/*} and the rest each on their own port, fails readiness while draining, and runs
   * the request hooks (not on the management port, where nothing is a visit).
   */
  private void received(Context ctx) {
    received.increment();
    Exchange exchange = Exchange.begin(ctx, pipeline.proxies(), pipeline.pseudonyms());
    SecurityHeaders.apply(ctx, exchange);
    String path = ctx.path();
    boolean management = onManagementPort(ctx);
    if (config.hasManagementPort() && management != OpsRoutes.isManagement(path)) {
      throw ProblemException.notFound("There is nothing at this address.");
    }
    if (draining && path.equals(OpsRoutes.READY)) {
      throw new ProblemException(ProblemType.UNAVAILABLE, "The server is shutting down.");
    }
    if (!management) {
      for (RequestHook hook : hooks) {
        hook.received(ctx, exchange);
      }
    }
  }

  /** After the response: metrics, and the request hooks (not on the management port). */
  private void answered(Context ctx, float millis) {
    try {
      String route = Routes.template(ctx);
      metrics.record(ctx, route, millis);
      Exchange exchange = Exchange.of(ctx);
      if (exchange != null && !onManagementPort(ctx)) {
        for (RequestHook hook : hooks) {
          hook.answered(ctx, exchange, route, millis);
        }
      }
    } finally {
      if (Exchange.of(ctx) != null) {
        settled.increment();
      }
    }
  }

  /**
   * Waits (at most {@code timeout}) until every request that reached the routes has run its
   * after-response hooks. A client has its answer before those hooks run, so whoever reads what
   * they leave (a visit handed to capture, say) right after a response waits here first.
   */
  public void awaitSettled(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (settled.sum() < received.sum() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private boolean onManagementPort(Context ctx) {
    return config.hasManagementPort() && ctx.req().getLocalPort() == config.managementPort();
  }

  private static ProblemType fromStatus(int status) {
    return switch (status) {
      case 400 -> ProblemType.VALIDATION_FAILED;
      case 401 -> ProblemType.UNAUTHORIZED;
      case 403 -> ProblemType.FORBIDDEN;
      case 404 -> ProblemType.NOT_FOUND;
      case 405 -> ProblemType.METHOD_NOT_ALLOWED;
      case 409 -> ProblemType.CONFLICT;
      case 413 -> ProblemType.PAYLOAD_TOO_LARGE;
      case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
      case 429 -> ProblemType.RATE_LIMITED;
      case 503 -> ProblemType.UNAVAILABLE;
      default -> ProblemType.INTERNAL_ERROR;
    };
  }

  public HttpServer start() {
    app.start();
    return this;
  }

  public int port() {
    return app.port();
  }

  public Javalin javalin() {
    return app;
  }

  /** Whether {@link #stop()} has begun: readiness fails from that moment. */
  public boolean draining() {
    return draining;
  }

  /**
   * Stops in order: readiness fails at once, requests in flight get up to {@code
   * server.drainSeconds} to finish (new ones are still served meanwhile, while load balancers
   * notice), then the listeners close.
   */
  public void stop() {
    draining = true;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.drainSeconds());
    if (inFlight.getCurrentRequestCount() > 0) {
      log.info(
          "stopping: readiness fails, in_flight={} drain up to {} s",
          inFlight.getCurrentRequestCount(),
          config.drainSeconds());
    }
    while (inFlight.getCurrentRequestCount() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    long left = inFlight.getCurrentRequestCount();
    if (left > 0) {
      log.warn("stopping after the drain with in_flight={}", left);
    }
    app.stop();
  }
}
