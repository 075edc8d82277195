package org.waypost.tracking.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import org.waypost.tracking.TrackingResult;

/**
 * One piece's scans as an Atom feed (RFC 4287), so that anyone can follow a parcel in a feed reader
 * without giving an address: the feed holds what the public result holds, nothing about the reader.
 * Each scan is an entry whose id is a hash of the scan's public fields, so a reader sees the same
 * entry as the same one at every fetch. Links are relative to the feed's own address.
 */
final class AtomFeed {
  private AtomFeed() {}

  static byte[] of(TrackingResult result, String operatorName) {
    String number = result.trackingNumber();
    String page = "/track/" + number;
    OffsetDateTime updated = result.events().isEmpty() ? null : result.events().getFirst().time();
    StringBuilder xml = new StringBuilder(1024 + 512 * result.events().size());
    xml.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
        .append("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n")
        .append("  <id>urn:waypost:track:")
        .append(escape(number))
        .append("</id>\n")
        .append("  <title>")
        .append(escape(operatorName))
        .append(" tracking ")
        .append(escape(number))
        .append("</title>\n")
        .append("  <subtitle>")
        .append(escape(result.statusText()))
        .append("</subtitle>\n")
        .append("  <updated>")
        .append(time(updated))
        .append("</updated>\n")
        .append("  <author><name>")
        .append(escape(operatorName))
        .append("</name></author>\n")
        .append("  <link rel=\"self\" type=\"application/atom+xml\" href=\"")
        .append(escape(page))
        .append("/feed.atom\"/>\n")
        .append("  <link rel=\"alternate\" type=\"text/html\" href=\"")
        .append(escape(page))
        .append("\"/>\n");
    for (TrackingResult.Event event : result.events()) {
      String place = event.location() == null ? "" : event.location().display();
      String title = event.description() + (place.isEmpty() ? "" : ", " + place);
      xml.append("  <entry>\n")
          .append("    <id>urn:waypost:scan:")
          .append(entryId(number, event))
          .append("</id>\n")
          .append("    <title>")
          .append(escape(title))
          .append("</title>\n")
          .append("    <updated>")
          .append(time(event.time()))
          .append("</updated>\n")
          .append("    <link rel=\"alternate\" type=\"text/html\" href=\"")
          .append(escape(page))
          .append("\"/>\n")
          .append("    <category term=\"")
          .append(event.type().name())
          .append("\"/>\n")
          .append("    <content type=\"text\">")
          .append(escape(title))
          .append(" (")
          .append(event.status().name())
          .append(", ")
          .append(time(event.time()))
          .append(")</content>\n")
          .append("  </entry>\n");
    }
    xml.append("</feed>\n");
    return xml.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** An empty history still needs an updated time: the epoch says "never", honestly. */
  private static String time(OffsetDateTime time) {
    return time == null
        ? "1970-01-01T00:00:00Z"
        : time.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }

  private static String entryId(String number, TrackingResult.Event event) {
    String key =
        number
            + "|"
            + event.time()
            + "|"
            + event.type()
            + "|"
            + event.description()
            + "|"
            + (event.location() == null ? "" : event.location().display());
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> {
          // characters XML 1.0 cannot carry are dropped rather than breaking the feed
          if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
