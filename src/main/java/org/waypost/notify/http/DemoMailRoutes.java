package org.waypost.notify.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.waypost.notify.DemoOutbox;
import org.waypost.notify.MailText;
import org.waypost.web.Pages;
import org.waypost.web.Routes;

/**
 * {@code /demo/mail}: the demo's mail, newest first, as it would have been sent, with its links
 * ready to follow (the confirmation, the piece's page) and its unsubscribe link as the button a
 * mail client's one-click unsubscribe would press. Registered only in the demo, so elsewhere the
 * path is a plain 404. English only, like the console: it is a tool for whoever runs the demo.
 */
public final class DemoMailRoutes implements Routes {
  /** One mail on the page; links are paths on this server, so they work from any host name. */
  public record Shown(
      String at,
      String to,
      String subject,
      String text,
      String page,
      String confirm,
      String unsubscribe) {}

  private final DemoOutbox outbox;
  private final Pages pages;
  private final String baseUrl;

  public DemoMailRoutes(DemoOutbox outbox, Pages pages, String baseUrl) {
    this.outbox = outbox;
    this.pages = pages;
    this.baseUrl = baseUrl;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/demo/mail", this::page);
  }

  private void page(Context ctx) {
    List<Shown> mails = new ArrayList<>();
    for (DemoOutbox.Kept kept : outbox.newestFirst()) {
      MailText text = kept.text();
      mails.add(
          new Shown(
              kept.at().atOffset(ZoneOffset.UTC).toLocalDateTime() + " UTC",
              kept.to(),
              text.subject(),
              text.plain(),
              path(text.pageUrl()),
              path(text.confirmUrl()),
              path(text.unsubscribeUrl())));
    }
    Map<String, Object> page =
        Map.of("site", pages.englishOnly(), "mails", mails, "kept", DemoOutbox.KEPT);
    ctx.html(pages.render("mail/outbox.jte", page));
  }

  /** A link of a mail as a path on this server (mails carry {@code notifications.baseUrl}). */
  private String path(String url) {
    if (url == null) {
      return null;
    }
    return url.startsWith(baseUrl + "/") ? url.substring(baseUrl.length()) : url;
  }
}
