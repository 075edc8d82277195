package org.waypost.notify.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.waypost.error.Phrase;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.notify.EstimateOutbox;
import org.waypost.notify.MailSender;
import org.waypost.notify.Subscriptions;
import org.waypost.tracking.Tracker;
import org.waypost.tracking.http.TrackingRoutes;
import org.waypost.web.Exchange;
import org.waypost.web.Language;
import org.waypost.web.Pages;
import org.waypost.web.Pages.Site;
import org.waypost.web.Routes;

/**
 * Recipients' email: a request for updates on one number (JSON, or the form on each result card,
 * which needs no script), the confirmation link, and the unsubscribe link (RFC 8058 one-click: a
 * POST to the link unsubscribes; a GET, which a mail scanner may make on its own, only shows a
 * button that POSTs). Offered only when mail can go out (SMTP, or the demo's outbox).
 *
 * <p>A request answers as a lookup of its number would (it is charged as one, and an unknown number
 * is the lookup's 404), and the same whether or not the address's hourly confirmation limit let the
 * mail go: the answer says nothing about an address.
 *
 * <p>The form carries no CSRF token: there is no session or cookie for a forged request to ride on,
 * and all it can do is queue one confirmation mail, which anyone can ask for directly. What another
 * site could gain is the use of its visitors' addresses, spreading requests past the per-client
 * limits; so a POST a browser marks {@code Sec-Fetch-Site: cross-site} is refused (403). Browsers
 * too old to send that header are left to the per-address limit.
 */
public final class SubscriptionRoutes implements Routes {
  private static final long MAX_BODY = 4 * 1024;
  private static final String TOKEN = "[A-Za-z0-9_-]{43}";
  private static final String LANGUAGE_TAG = "[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}";

  private final Subscriptions subscriptions;
  private final MailSender sender;
  private final TrackingRoutes lookups;
  private final Pages pages;

  public SubscriptionRoutes(
      Subscriptions subscriptions, MailSender sender, TrackingRoutes lookups, Pages pages) {
    this.subscriptions = subscriptions;
    this.sender = sender;
    this.lookups = lookups;
    this.pages = pages;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/api/v1/subscriptions", this::subscribe);
    routes.post("/track/{number}/subscribe", this::subscribeForm);
    routes.get("/subscriptions/confirm", this::confirm);
    routes.get("/subscriptions/unsubscribe", this::unsubscribePage);
    routes.post("/subscriptions/unsubscribe", this::unsubscribe);
  }

  private void subscribe(Context ctx) throws IOException {
    JsonNode body =
        JsonBodies.object(
            ctx,
            MAX_BODY,
            Set.of("trackingNumber", "email", "events", "estimateChanges", "language"),
            "subscription");
    JsonNode email = body.get("email");
    if (email == null || !email.isTextual() || !Subscriptions.validAddress(email.asText())) {
      throw ProblemException.validation("email must be an email address");
    }
    JsonNode events = body.get("events");
    String filter = events == null || events.isNull() ? "ALL" : events.asText("");
    if (events != null && !events.isNull() && !events.isTextual()
        || !filter.equals("ALL") && !filter.equals("KEY")) {
      throw ProblemException.validation("events must be \"ALL\" or \"KEY\"");
    }
    JsonNode estimates = body.get("estimateChanges");
    if (estimates != null && !estimates.isNull() && !estimates.isBoolean()) {
      throw ProblemException.validation("estimateChanges must be true or false");
    }
    Language language = language(body.get("language"));
    JsonNode number = body.get("trackingNumber");
    String raw = number != null && number.isTextual() ? number.asText() : null;
    Tracker.Lookup lookup = lookups.lookupOne(Exchange.of(ctx), raw);
    request(
        lookup,
        email.asText(),
        filter.equals("KEY"),
        estimates != null && estimates.asBoolean(),
        language);
    ctx.status(202).contentType("application/json").result("{\"status\":\"confirmation-sent\"}");
  }

  /** The API's optional {@code language}: en, es or zh (a tag such as es-MX counts as es). */
  private static Language language(JsonNode field) {
    if (field == null || field.isNull()) {
      return Language.EN;
    }
    Language language =
        field.isTextual() && field.asText().matches(LANGUAGE_TAG)
            ? Language.of(field.asText())
            : null;
    if (language == null) {
      throw ProblemException.validation("language must be one of \"en\", \"es\", \"zh\"");
    }
    return language;
  }

  /**
   * The result card's form (form-encoded): the same request as the API, answered with a page in the
   * reader's language, or with the form again when the address is not one.
   */
  private void subscribeForm(Context ctx) {
    if ("cross-site".equalsIgnoreCase(ctx.header("Sec-Fetch-Site"))) {
      throw new ProblemException(
          ProblemType.FORBIDDEN,
          "Ask for updates on this site's own page.",
          Phrase.of("subscription.crossSite"));
    }
    Tracker.Lookup lookup = lookups.lookupOne(Exchange.of(ctx), ctx.pathParam("number"));
    String number = lookup.result().trackingNumber();
    String events = ctx.formParam("events");
    if (events != null && !events.equals("ALL") && !events.equals("KEY")) {
      throw ProblemException.validation("events must be ALL or KEY");
    }
    boolean keyOnly = "KEY".equals(events);
    boolean estimates = ctx.formParam("estimates") != null;
    String email = ctx.formParam("email");
    email = email == null ? "" : email.strip();
    Site site = pages.site(ctx);
    if (!Subscriptions.validAddress(email)) {
      Map<String, Object> form = new LinkedHashMap<>();
      form.put("site", site);
      form.put("number", number);
      form.put("email", email.length() > 254 ? "" : email);
      form.put("keyOnly", keyOnly);
      form.put("estimates", estimates);
      ctx.status(400).html(pages.render("mail/retry.jte", form));
      return;
    }
    request(lookup, email, keyOnly, estimates, site.text().language());
    ctx.html(message(site, "subscribe.sent", number, null));
  }

  private void request(
      Tracker.Lookup lookup, String email, boolean keyOnly, boolean estimates, Language language) {
    var result = lookup.result();
    boolean queued =
        subscriptions.subscribe(
            new Subscriptions.Request(
                result.trackingNumber(),
                email,
                keyOnly,
                estimates,
                language.code(),
                EstimateOutbox.estimateOf(result)));
    if (queued) {
      sender.wake();
    }
  }

  private void confirm(Context ctx) {
    if (!subscriptions.confirm(token(ctx))) {
      throw new ProblemException(
          ProblemType.NOT_FOUND,
          "This confirmation link is unknown, used, or expired.",
          Phrase.of("subscription.unknownConfirm"));
    }
    ctx.html(message(pages.site(ctx), "subscribe.confirmed", null, null));
  }

  private void unsubscribePage(Context ctx) {
    String token = token(ctx);
    Site site = pages.site(ctx);
    ctx.html(
        message(
            site,
            "subscribe.stop",
            null,
            "/subscriptions/unsubscribe?token=" + token + site.langParam()));
  }

  private void unsubscribe(Context ctx) {
    if (!subscriptions.unsubscribe(token(ctx))) {
      throw new ProblemException(
          ProblemType.NOT_FOUND,
          "This unsubscribe link is unknown or already used.",
          Phrase.of("subscription.unknownUnsubscribe"));
    }
    ctx.html(message(pages.site(ctx), "subscribe.unsubscribed", null, null));
  }

  /**
   * A short page: the title and sentence of {@code key} ({@code key.title}, {@code key.text}),
   * optionally a button that POSTs to {@code postAction} (the unsubscribe link) and a link back to
   * the piece.
   */
  private String message(Site site, String key, String number, String postAction) {
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("site", site);
    page.put("title", site.t(key + ".title"));
    page.put("text", site.t(key + ".text"));
    page.put("number", number);
    page.put("postAction", postAction);
    page.put("postLabel", site.t("subscribe.stop.button"));
    return pages.render("mail/message.jte", page);
  }

  /** The link's token: exactly the 43 URL-safe characters made, so it is safe to echo in HTML. */
  private static String token(Context ctx) {
    String token = ctx.queryParam("token");
    if (token == null || !token.matches(TOKEN)) {
      throw ProblemException.validation("token is missing or malformed");
    }
    return token;
  }
}
