package org.waypost.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.waypost.json.Json;
import org.waypost.tracking.Location;

/**
 * The words of a mail, as plain text and simple HTML (no images, no tracking pixels, no links but
 * the piece's public page, the confirmation and the unsubscribe link). English until the pages
 * speak other languages.
 */
record MailText(String subject, String plain, String html, String unsubscribeUrl) {

  static MailText confirmation(String baseUrl, String number, Subscriptions.Opened opened) {
    String confirm = baseUrl + "/subscriptions/confirm?token=" + opened.confirmToken();
    String unsubscribe = unsubscribeUrl(baseUrl, opened);
    String plain =
        "Someone, probably you, asked for email updates about the package "
            + number
            + ".\n\nTo receive them, confirm here:\n"
            + confirm
            + "\n\nIf it was not you, ignore this mail: nothing more will be sent, and the request"
            + " is deleted within a day.\n";
    String html =
        "<p>Someone, probably you, asked for email updates about the package "
            + escape(number)
            + ".</p><p><a href=\""
            + escape(confirm)
            + "\">Confirm the updates</a></p><p>If it was not you, ignore this mail: nothing"
            + " more will be sent, and the request is deleted within a day.</p>";
    return new MailText("Confirm updates for " + number, plain, html, unsubscribe);
  }

  static MailText update(
      String baseUrl, String number, JsonNode event, Subscriptions.Opened opened) {
    String page = baseUrl + "/track/" + number;
    String unsubscribe = unsubscribeUrl(baseUrl, opened);
    String description = event.path("description").asText();
    String place = place(event.get("location"));
    String line =
        description
            + (place.isEmpty() ? "" : ", " + place)
            + " ("
            + event.path("time").asText()
            + ")";
    String plain =
        "Package "
            + number
            + ":\n\n"
            + line
            + "\n\nFull history: "
            + page
            + "\n\nStop these mails: "
            + unsubscribe
            + "\n";
    String html =
        "<p>Package "
            + escape(number)
            + ":</p><p><strong>"
            + escape(line)
            + "</strong></p><p><a href=\""
            + escape(page)
            + "\">Full history</a></p><p><a href=\""
            + escape(unsubscribe)
            + "\">Stop these mails</a></p>";
    return new MailText(number + ": " + description, plain, html, unsubscribe);
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

  private static String unsubscribeUrl(String baseUrl, Subscriptions.Opened opened) {
    return baseUrl + "/subscriptions/unsubscribe?token=" + opened.unsubscribeToken();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
