package org.waypost.web;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waypost.error.Phrase;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.json.Json;

/**
 * The one place that writes errors: RFC 9457 {@code application/problem+json} for the API, and the
 * same problem as a readable page for people using the site in a browser, or as a page of the part
 * of the site that has its own ({@link ErrorPages}, the console).
 */
public final class Problems {
  private static final Logger log = LoggerFactory.getLogger(Problems.class);
  public static final String CONTENT_TYPE = "application/problem+json";

  private final Pages pages;
  private final List<ErrorPages> sections;

  public Problems(Pages pages, List<ErrorPages> sections) {
    this.pages = pages;
    this.sections = List.copyOf(sections);
  }

  public Problems(Pages pages) {
    this(pages, List.of());
  }

  /** The problem object (type, title, status, detail, then any extensions) as a map for JSON. */
  public static Map<String, Object> body(
      ProblemType type, String detail, Map<String, Object> extra) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type.uri());
    body.put("title", type.title());
    body.put("status", type.status());
    body.put("detail", detail);
    body.putAll(extra);
    return body;
  }

  /** Answers with this problem, its headers, and on a page its detail in the reader's language. */
  public void respond(Context ctx, ProblemException problem) {
    respond(
        ctx,
        problem.type(),
        problem.detail(),
        problem.extensions(),
        problem.retryAfterSeconds(),
        problem.phrase());
  }

  public void respond(
      Context ctx, ProblemType type, String detail, Map<String, Object> extra, long retryAfter) {
    respond(ctx, type, detail, extra, retryAfter, null);
  }

  private void respond(
      Context ctx,
      ProblemType type,
      String detail,
      Map<String, Object> extra,
      long retryAfter,
      Phrase phrase) {
    ctx.status(type.status());
    if (retryAfter > 0) {
      ctx.header("Retry-After", Long.toString(retryAfter));
    }
    if (type == ProblemType.UNAUTHORIZED) {
      ctx.header("WWW-Authenticate", "Bearer");
    }
    String path = ctx.path();
    for (ErrorPages section : sections) {
      if (section.covers(path)) {
        ctx.html(section.render(ctx, type, detail));
        return;
      }
    }
    if (wantsPage(path, ctx.header("Accept"))) {
      Object incident = extra.get("incident");
      ctx.html(
          page(
              pages.site(ctx),
              type,
              detail,
              phrase,
              incident == null ? null : incident.toString()));
    } else {
      ctx.contentType(CONTENT_TYPE).result(Json.bytes(body(type, detail, extra)));
    }
  }

  /** A problem written outside any Javalin context (by Jetty): its content type and bytes. */
  record Written(String contentType, byte[] body) {}

  /**
   * The problem for a request Jetty refused before routing: the error page for a browser off the
   * API, problem+json otherwise (also when the path is unknown, as for an address too long).
   */
  Written written(String path, String accept, ProblemType type, String detail) {
    if (path != null && wantsPage(path, accept)) {
      return new Written(
          "text/html;charset=utf-8",
          page(pages.site(Language.EN, path, Map.of()), type, detail, null, null)
              .getBytes(StandardCharsets.UTF_8));
    }
    return new Written(CONTENT_TYPE, Json.bytes(body(type, detail, Map.of())));
  }

  private String page(
      Pages.Site site, ProblemType type, String detail, Phrase phrase, String reference) {
    return pages.render("error.jte", new Pages.ErrorPage(site, type, detail, phrase, reference));
  }

  public void respond(Context ctx, ProblemType type, String detail) {
    respond(ctx, type, detail, Map.of(), 0, null);
  }

  /**
   * Logs a request that failed on Waypost's side and returns the request id to quote to the client.
   * The line holds the id, the route template and the exception's stack: class names and frames,
   * never a message (of the exception or its causes) or the path, since either may hold a tracking
   * number or an address.
   */
  public static String logFailure(Context ctx, Exception e) {
    String requestId = UUID.randomUUID().toString();
    log.error(
        "request failed request_id={} route={} error={}{}",
        requestId,
        Routes.template(ctx),
        e.getClass().getName(),
        framesWithoutMessages(e));
    return requestId;
  }

  /** A stack trace as {@link Throwable#printStackTrace} writes it, less every message. */
  static String framesWithoutMessages(Throwable e) {
    StringBuilder out = new StringBuilder(2048);
    int depth = 0;
    for (Throwable t = e; t != null && depth < 8; t = t.getCause(), depth++) {
      if (t != e) {
        out.append("\nCaused by: ").append(t.getClass().getName());
      }
      for (StackTraceElement frame : t.getStackTrace()) {
        out.append("\n\tat ").append(frame);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return out.toString();
  }

  /** What a client is told when its request failed on Waypost's side. */
  public static String failureDetail(String requestId) {
    return "Something went wrong on our side. Quote request id " + requestId + ".";
  }

  /** Pages are for browsers on non-API paths; scripts and API paths always get JSON. */
  static boolean wantsPage(String path, String accept) {
    if (path.startsWith("/api/") || path.startsWith("/health") || path.equals("/metrics")) {
      return false;
    }
    return accept != null && accept.contains("text/html");
  }
}
