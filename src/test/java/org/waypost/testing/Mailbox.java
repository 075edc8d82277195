package org.waypost.testing;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real SMTP server in the test JVM (GreenMail), as the tests of recipients' email use it: the
 * configuration that points a server at it, and its mail read back, decoded (a text with any
 * non-ASCII character, such as the narrow space CLDR puts in "8:00 AM", is sent quoted-printable).
 */
public final class Mailbox {
  private Mailbox() {}

  /** The overrides that send a test server's mail to {@code smtp}, with links to {@code base}. */
  public static Map<String, String> config(GreenMailExtension smtp, String base) {
    return Map.of(
        "notifications.baseUrl",
        base,
        "notifications.smtp.host",
        "127.0.0.1",
        "notifications.smtp.port",
        String.valueOf(smtp.getSmtp().getPort()));
  }

  /** The mails received for {@code address}, oldest first. */
  public static List<MimeMessage> to(GreenMailExtension smtp, String address) {
    return Arrays.stream(smtp.getReceivedMessages())
        .filter(m -> recipient(m).equals(address))
        .toList();
  }

  private static String recipient(MimeMessage m) {
    try {
      return m.getRecipients(Message.RecipientType.TO)[0].toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The path and query of the first link in {@code text} that starts with {@code base + prefix}
   * (its token and any {@code &lang=}), for the test to follow on its own server.
   */
  public static String link(String text, String base, String prefix) {
    Matcher m = Pattern.compile(Pattern.quote(base + prefix) + "[A-Za-z0-9_&=-]+").matcher(text);
    if (!m.find()) {
      throw new AssertionError("no link " + prefix + " in the mail: " + text);
    }
    return m.group().substring(base.length());
  }

  /** The plain text part, decoded. */
  public static String plain(MimeMessage m) {
    return part(m, 0);
  }

  /** The HTML part, decoded. */
  public static String html(MimeMessage m) {
    return part(m, 1);
  }

  private static String part(MimeMessage m, int index) {
    try {
      return (String) ((MimeMultipart) m.getContent()).getBodyPart(index).getContent();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
