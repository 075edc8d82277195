package org.waypost.config;

import static org.waypost.config.ConfigException.require;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Delivery updates: recipients' mail and shippers' webhooks.
 *
 * @param baseUrl where links in mails point (confirmation, unsubscribe): http or https, no path
 *     beyond the server's root
 * @param smtp the mail server; {@code smtp.host} empty means no email is sent (the demo keeps mail
 *     in an outbox page instead)
 * @param allowPrivateWebhooks lets webhook endpoints use plain http and private, loopback and
 *     link-local addresses. For tests and the demo only: a shipper could otherwise make the server
 *     call into its own network (SSRF). Off by default.
 * @param demoOutbox when no {@code smtp.host} is set, keeps mail in memory and shows it at {@code
 *     /demo/mail} instead of sending it. For {@code ./waypost demo}, which sets it: the page shows
 *     addresses to anyone who can reach the server. Off by default.
 */
public record NotificationsConfig(
    String baseUrl, SmtpConfig smtp, boolean allowPrivateWebhooks, boolean demoOutbox) {

  public NotificationsConfig {
    baseUrl = baseUrl == null ? "" : baseUrl.strip();
    while (baseUrl.endsWith("/")) {
      baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
    }
    require(
        validBase(baseUrl),
        "notifications.baseUrl must be an http or https URL, was '" + baseUrl + "'");
    require(smtp != null, "notifications.smtp is missing");
  }

  private static boolean validBase(String url) {
    try {
      URI uri = new URI(url);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null
          && uri.getQuery() == null
          && uri.getFragment() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** Whether email is sent through SMTP. */
  public boolean mailEnabled() {
    return !smtp.host().isEmpty();
  }

  /** Whether mail goes to the demo's outbox page: asked for, and no SMTP server set. */
  public boolean mailToDemoOutbox() {
    return demoOutbox && smtp.host().isEmpty();
  }

  static NotificationsConfig defaults() {
    return new NotificationsConfig("http://127.0.0.1:8080", SmtpConfig.defaults(), false, false);
  }

  /**
   * The SMTP server mail leaves through.
   *
   * @param host empty: no email
   * @param startTls require STARTTLS before sending
   */
  public record SmtpConfig(
      String host, int port, String username, String password, String from, boolean startTls) {
    public SmtpConfig {
      host = host == null ? "" : host.strip();
      username = username == null ? "" : username;
      password = password == null ? "" : password;
      from = from == null ? "" : from.strip();
      require(
          port >= 1 && port <= 65535, "notifications.smtp.port must be 1 to 65535, was " + port);
      require(
          from.matches("[^@\\s<>]{1,64}@[A-Za-z0-9.-]{1,185}"),
          "notifications.smtp.from must be an email address, was '" + from + "'");
    }

    static SmtpConfig defaults() {
      return new SmtpConfig("", 25, "", "", "tracking@example.org", false);
    }
  }
}
