package org.waypost.console;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.waypost.console.AuditPage.Filters;
import org.waypost.console.Sessions.Session;
import org.waypost.csv.Csv;
import org.waypost.error.InputDates;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.governance.AuditLog;
import org.waypost.governance.AuditLog.Entry;
import org.waypost.governance.Role;
import org.waypost.json.Json;
import org.waypost.web.Routes;

/**
 * The audit log for the privacy role, newest entries first, a page at a time, filtered by actor,
 * action and days, under the result of verifying the whole chain: a privacy operator sees at once
 * whether anything was changed. The filtered entries can be taken away as CSV or NDJSON, every
 * field as stored, so that the hashes can be recomputed.
 */
final class ConsoleAuditLog implements Routes {
  static final int AUDIT_PAGE = 50;
  private static final int EXPORT_BATCH = 500;
  private static final int MAX_FILTER = 64;
  static final List<String> CSV_COLUMNS =
      List.of("seq", "time", "actor", "action", "target", "details", "prevHash", "hash");

  private final AuditLog audit;
  private final ConsoleSecurity security;
  private final ConsoleView view;

  ConsoleAuditLog(AuditLog audit, ConsoleSecurity security, ConsoleView view) {
    this.audit = audit;
    this.security = security;
    this.view = view;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/operator/audit", this::auditLog);
    routes.get("/operator/audit.csv", ctx -> export(ctx, false));
    routes.get("/operator/audit.ndjson", ctx -> export(ctx, true));
  }

  private void auditLog(Context ctx) {
    Session session = security.session(ctx, Role.PRIVACY);
    Filters filters = filters(ctx);
    AuditLog.Filter filter;
    try {
      filter = filter(filters);
    } catch (ProblemException e) {
      ctx.status(HttpStatus.BAD_REQUEST);
      view.show(
          ctx,
          "operator/audit.jte",
          new AuditPage(
              view.frame(session), audit.verify(), filters, List.of(), null, true, e.detail()));
      return;
    }
    long before = Long.MAX_VALUE;
    String asked = ctx.queryParam("before");
    if (asked != null) {
      try {
        before = Math.max(1, Long.parseLong(asked.strip()));
      } catch (NumberFormatException e) {
        // not a number: show the newest page
      }
    }
    List<Entry> found = audit.find(filter, before, AUDIT_PAGE + 1);
    List<Entry> shown = found.subList(0, Math.min(AUDIT_PAGE, found.size()));
    String older =
        found.size() > AUDIT_PAGE
            ? "/operator/audit" + filters.query("before=" + shown.getLast().seq())
            : null;
    view.show(
        ctx,
        "operator/audit.jte",
        new AuditPage(
            view.frame(session),
            audit.verify(),
            filters,
            shown.stream().map(AuditPage.Row::of).toList(),
            older,
            before == Long.MAX_VALUE,
            null));
  }

  /** Every entry the filter matches, newest first, as CSV or NDJSON, written as it is read. */
  private void export(Context ctx, boolean ndjson) {
    security.session(ctx, Role.PRIVACY);
    AuditLog.Filter filter = filter(filters(ctx));
    String name = ndjson ? "waypost-audit.ndjson" : "waypost-audit.csv";
    ctx.header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    ctx.contentType(ndjson ? "application/x-ndjson; charset=utf-8" : "text/csv; charset=utf-8");
    try (OutputStream out = ctx.outputStream()) {
      if (!ndjson) {
        out.write(Csv.line(CSV_COLUMNS).getBytes(StandardCharsets.UTF_8));
      }
      long before = Long.MAX_VALUE;
      List<Entry> batch;
      do {
        batch = audit.find(filter, before, EXPORT_BATCH);
        for (Entry entry : batch) {
          if (ndjson) {
            out.write(Json.bytes(entry));
            out.write('\n');
          } else {
            out.write(Csv.line(row(entry)).getBytes(StandardCharsets.UTF_8));
          }
        }
        before = batch.isEmpty() ? before : batch.getLast().seq();
      } while (batch.size() == EXPORT_BATCH);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> row(Entry entry) {
    return List.of(
        Long.toString(entry.seq()),
        entry.time().toString(),
        entry.actor(),
        entry.action(),
        entry.target() == null ? "" : entry.target(),
        entry.details(),
        entry.prevHash(),
        entry.hash());
  }

  private static Filters filters(Context ctx) {
    return new Filters(
        param(ctx, "actor"), param(ctx, "action"), param(ctx, "from"), param(ctx, "to"));
  }

  private static String param(Context ctx, String name) {
    String value = ctx.queryParam(name);
    return value == null ? "" : value.strip();
  }

  /** The typed filter as the log's; {@code validation-failed} naming the field at fault. */
  private static AuditLog.Filter filter(Filters typed) {
    for (String text : List.of(typed.actor(), typed.action())) {
      if (text.length() > MAX_FILTER) {
        throw ProblemException.validation(
            "An actor or action to filter by is at most " + MAX_FILTER + " characters.");
      }
    }
    LocalDate from =
        typed.from().isEmpty()
            ? null
            : InputDates.parse(typed.from(), "From must be a date written as YYYY-MM-DD.");
    LocalDate to =
        typed.to().isEmpty()
            ? null
            : InputDates.parse(typed.to(), "To must be a date written as YYYY-MM-DD.");
    if (from != null && to != null && from.isAfter(to)) {
      throw new ProblemException(ProblemType.VALIDATION_FAILED, "From must not be after To.");
    }
    return new AuditLog.Filter(
        typed.actor().isEmpty() ? null : typed.actor(),
        typed.action().isEmpty() ? null : typed.action(),
        from == null ? null : from.atStartOfDay(ZoneOffset.UTC).toInstant(),
        to == null ? null : to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
  }
}
