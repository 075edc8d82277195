package org.waypost.notify.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Set;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.notify.MailSender;
import org.waypost.notify.Subscriptions;
import org.waypost.tracking.http.TrackingRoutes;
import org.waypost.web.Exchange;
import org.waypost.web.Routes;

/**
 * Recipients' email: a request for updates on one number, the confirmation link, and the
 * unsubscribe link (RFC 8058 one-click: a POST to the link unsubscribes; a GET, which a mail
 * scanner may make on its own, only shows a button that POSTs). Offered only when SMTP is set.
 *
 * <p>A request answers as a lookup of its number would (it is charged as one, and an unknown number
 * is the lookup's 404), and 202 whether or not the address's hourly confirmation limit let the mail
 * go: the answer says nothing about an address.
 */
public final class SubscriptionRoutes implements Routes {
  private static final long MAX_BODY = 4 * 1024;
  private static final String TOKEN = "[A-Za-z0-9_-]{43}";

  private final Subscriptions subscriptions;
  private final MailSender sender;
  private final TrackingRoutes lookups;

  public SubscriptionRoutes(
      Subscriptions subscriptions, MailSender sender, TrackingRoutes lookups) {
    this.subscriptions = subscriptions;
    this.sender = sender;
    this.lookups = lookups;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/api/v1/subscriptions", this::subscribe);
    routes.get("/subscriptions/confirm", this::confirm);
    routes.get("/subscriptions/unsubscribe", this::unsubscribePage);
    routes.post("/subscriptions/unsubscribe", this::unsubscribe);
  }

  private void subscribe(Context ctx) throws IOException {
    JsonNode body =
        JsonBodies.object(
            ctx, MAX_BODY, Set.of("trackingNumber", "email", "events"), "subscription");
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
    JsonNode number = body.get("trackingNumber");
    String raw = number != null && number.isTextual() ? number.asText() : null;
    String trackingNumber = lookups.lookupOne(Exchange.of(ctx), raw).result().trackingNumber();
    if (subscriptions.subscribe(trackingNumber, email.asText(), filter.equals("KEY"))) {
      sender.wake();
    }
    ctx.status(202).contentType("application/json").result("{\"status\":\"confirmation-sent\"}");
  }

  private void confirm(Context ctx) {
    if (!subscriptions.confirm(token(ctx))) {
      throw new ProblemException(
          ProblemType.NOT_FOUND, "This confirmation link is unknown, used, or expired.");
    }
    ctx.html(page("Updates confirmed", "You will get an email when the package has news."));
  }

  private void unsubscribePage(Context ctx) {
    String token = token(ctx);
    ctx.html(
        page(
            "Stop these mails",
            "<form method=\"post\" action=\"/subscriptions/unsubscribe?token="
                + token
                + "\"><button type=\"submit\">Unsubscribe</button></form>"));
  }

  private void unsubscribe(Context ctx) {
    if (!subscriptions.unsubscribe(token(ctx))) {
      throw new ProblemException(
          ProblemType.NOT_FOUND, "This unsubscribe link is unknown or already used.");
    }
    ctx.html(page("Unsubscribed", "No more mail will be sent, and your address is deleted."));
  }

  /** The link's token: exactly the 43 URL-safe characters made, so it is safe to echo in HTML. */
  private static String token(Context ctx) {
    String token = ctx.queryParam("token");
    if (token == null || !token.matches(TOKEN)) {
      throw ProblemException.validation("token is missing or malformed");
    }
    return token;
  }

  private static String page(String title, String body) {
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
        + title
        + "</title></head><body><h1>"
        + title
        + "</h1><div>"
        + body
        + "</div></body></html>";
  }
}
