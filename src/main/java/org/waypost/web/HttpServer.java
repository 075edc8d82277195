package org.waypost.web;

import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
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

  /** An address that leads nowhere, in words a person uses (not Javalin's "Endpoint ..."). */
  private static final ProblemException NOTHING_HERE =
      new ProblemException(
          ProblemType.NOT_FOUND,
          "There is nothing at this address.",
          Phrase.of("address.notFound"));

  private final Javalin app;

  public HttpServer(
      ServerConfig config,
      Pipeline pipeline,
      Problems problems,
      MeterRegistry meters,
      List<Routes> features) {
    HttpMetrics metrics = new HttpMetrics(meters);
    RequestHook[] hooks = pipeline.hooks().toArray(new RequestHook[0]);
    this.app =
        Javalin.create(
            javalin -> {
              javalin.jetty.host = config.host();
              javalin.jetty.port = config.port();
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
              javalin.requestLogger.http(
                  (ctx, millis) -> {
                    String route = Routes.template(ctx);
                    metrics.record(ctx, route, millis);
                    Exchange exchange = Exchange.of(ctx);
                    if (exchange != null) {
                      for (RequestHook hook : hooks) {
                        hook.answered(ctx, exchange, route, millis);
                      }
                    }
                  });
              var routes = javalin.routes;
              routes.before(
                  ctx -> {
                    Exchange exchange =
                        Exchange.begin(ctx, pipeline.proxies(), pipeline.pseudonyms());
                    SecurityHeaders.apply(ctx);
                    for (RequestHook hook : hooks) {
                      hook.received(ctx, exchange);
                    }
                  });
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

  public void stop() {
    app.stop();
  }
}
