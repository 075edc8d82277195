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
 * @param daysAfterDelivery how long a confirmed subscription outlives the delivered or
 *     returned-to-sender scan of its piece (its address, row and key are destroyed then)
 * @param daysAfterLastScan how long a confirmed subscription outlives the newest scan of its piece,
 *     if it is not delivered first
 * @param legalRequestsReachSubscriptions whether executing a legal request about a number also
 *     discloses the confirmed subscription addresses for it; off by default
 * @param demoOutbox when no {@code smtp.host} is set, keeps mail in memory and shows it at {@code
 *     /demo/mail} instead of sending it. For {@code ./waypost demo}, which sets it: the page shows
 *     addresses to anyone who can reach the server. Off by default.
 */
public record NotificationsConfig(
    String baseUrl,
    SmtpConfig smtp,
    boolean allowPrivateWebhooks,
    int daysAfterDelivery,
    int daysAfterLastScan,
    boolean legalRequestsReachSubscriptions,
    boolean demoOutbox) {

  public static final int DEFAULT_DAYS_AFTER_DELIVERY = 2;
  public static final int DEFAULT_DAYS_AFTER_LAST_SCAN = 30;
  public static final int MAX_DAYS_AFTER_LAST_SCAN = 90;

  public NotificationsConfig {
    baseUrl = baseUrl == null ? "" : baseUrl.strip();
    while (baseUrl.endsWith("/")) {
      baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
    }
    require(
        validBase(baseUrl),
        "notifications.baseUrl must be an http or https URL, was '" + baseUrl + "'");
    require(smtp != null, "notifications.smtp is missing");
    require(
        daysAfterLastScan >= 1 && daysAfterLastScan <= MAX_DAYS_AFTER_LAST_SCAN,
        "notifications.daysAfterLastScan must be between 1 and "
            + MAX_DAYS_AFTER_LAST_SCAN
            + ", was "
            + daysAfterLastScan);
    require(
        daysAfterDelivery >= 0 && daysAfterDelivery <= daysAfterLastScan,
        "notifications.daysAfterDelivery must be between 0 and notifications.daysAfterLastScan ("
            + daysAfterLastScan
            + "), was "
            + daysAfterDelivery);
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

  /**
   * Whether recipients' email is offered at all: mail goes through SMTP, or to the demo's outbox.
   * The routes, the scan hooks, the mail keys and {@code /privacy} all follow this one answer.
   */
  public boolean mailEnabled() {
    return !smtp.host().isEmpty() || demoOutbox;
  }

  /** Whether mail goes to the demo's outbox page: asked for, and no SMTP server set. */
  public boolean mailToDemoOutbox() {
    return demoOutbox && smtp.host().isEmpty();
  }

  static NotificationsConfig defaults() {
    return new NotificationsConfig(
        "http://127.0.0.1:8080",
        SmtpConfig.defaults(),
        false,
        DEFAULT_DAYS_AFTER_DELIVERY,
        DEFAULT_DAYS_AFTER_LAST_SCAN,
        false,
        false);
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
