package org.waypost.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.waypost.json.Json;
import org.waypost.tracking.EventType;
import org.waypost.tracking.Location;

/**
 * The words of a mail, as plain text and simple HTML (no images, no tracking pixels, no links but
 * the piece's public page, the confirmation and the unsubscribe link), in the subscriber's
 * language. Links carry the language ({@code lang=}) so the pages they open speak it too.
 *
 * @param confirmUrl the confirmation link; null in any mail but the confirmation
 */
public record MailText(
    String subject,
    String plain,
    String html,
    String pageUrl,
    String confirmUrl,
    String unsubscribeUrl) {

  /** What every mail is built from: the words, the language, the links' base and the number. */
  record Context(
      MailWords words,
      String language,
      String baseUrl,
      String number,
      Subscriptions.Opened opened) {
    String t(String key, Object... arguments) {
      return words.text(language, key, arguments);
    }

    /** {@code ?lang=xx} or {@code &lang=xx} for a link; nothing in English. */
    String lang(char separator) {
      return language.equals("en") ? "" : separator + "lang=" + language;
    }

    String page() {
      return baseUrl + "/track/" + number + lang('?');
    }

    String unsubscribe() {
      return baseUrl + "/subscriptions/unsubscribe?token=" + opened.unsubscribeToken() + lang('&');
    }
  }

  static MailText confirmation(Context c) {
    String confirm =
        c.baseUrl() + "/subscriptions/confirm?token=" + c.opened().confirmToken() + c.lang('&');
    String intro = c.t("mail.confirm.intro", c.number());
    String ignore = c.t("mail.confirm.ignore");
    String plain = intro + "\n\n" + c.t("mail.confirm.action") + "\n" + confirm + "\n\n" + ignore;
    String html =
        p(escape(intro)) + p(link(confirm, c.t("mail.confirm.button"))) + p(escape(ignore));
    return new MailText(
        c.t("mail.confirm.subject", c.number()),
        plain + "\n",
        html,
        c.page(),
        confirm,
        c.unsubscribe());
  }

  static MailText update(Context c, JsonNode event) {
    String description = description(c, event);
    String place = place(event.get("location"));
    String line =
        description
            + (place.isEmpty() ? "" : ", " + place)
            + " ("
            + time(c, event.path("time").asText())
            + ")";
    String intro = c.t("mail.update.intro", c.number());
    return withLinks(
        c,
        c.t("mail.update.subject", c.number(), description),
        intro + "\n\n" + line,
        p(escape(intro)) + p("<strong>" + escape(line) + "</strong>"));
  }

  static MailText estimate(Context c, JsonNode change) {
    String day =
        c.words().day(c.language(), LocalDate.parse(change.path("expectedDelivery").asText()));
    String text = c.t("mail.estimate.text", c.number(), day);
    String before =
        change.path("before").isTextual()
            ? c.t(
                "mail.estimate.before",
                c.words().day(c.language(), LocalDate.parse(change.path("before").asText())))
            : null;
    String note = c.t("mail.estimate.note");
    String plain = text + (before == null ? "" : "\n" + before) + "\n\n" + note;
    String html =
        p("<strong>" + escape(text) + "</strong>")
            + (before == null ? "" : p(escape(before)))
            + p(escape(note));
    return withLinks(c, c.t("mail.estimate.subject", c.number(), day), plain, html);
  }

  /** A mail after the subscription is confirmed: its body, then the page and unsubscribe links. */
  private static MailText withLinks(Context c, String subject, String plain, String html) {
    String history = c.t("mail.history");
    String stop = c.t("mail.stop");
    return new MailText(
        subject,
        plain + "\n\n" + history + ": " + c.page() + "\n\n" + stop + ": " + c.unsubscribe() + "\n",
        html + p(link(c.page(), history)) + p(link(c.unsubscribe(), stop)),
        c.page(),
        null,
        c.unsubscribe());
  }

  /** The scan in words: in English the shipper's own, elsewhere the type's in that language. */
  private static String description(Context c, JsonNode event) {
    String own = event.path("description").asText();
    if (c.language().equals("en")) {
      return own;
    }
    try {
      return c.t("event." + EventType.valueOf(event.path("type").asText()).name());
    } catch (IllegalArgumentException e) {
      return own;
    }
  }

  private static String time(Context c, String iso) {
    try {
      return c.words().dateTime(c.language(), OffsetDateTime.parse(iso));
    } catch (DateTimeParseException e) {
      return iso;
    }
  }

  private static String place(JsonNode location) {
    if (location == null || !location.isObject()) {
      return "";
    }
    try {
      return Json.MAPPER.treeToValue(location, Location.class).display();
    } catch (JsonProcessingException e) {
      return "";
    }
  }

  private static String p(String html) {
    return "<p>" + html + "</p>";
  }

  private static String link(String url, String text) {
    return "<a href=\"" + escape(url) + "\">" + escape(text) + "</a>";
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
