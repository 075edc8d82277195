package org.waypost.visitor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.waypost.config.WaypostConfig;

/**
 * The privacy policy as facts derived from the running configuration, so the page cannot say
 * something the code does not do. Each entry names a kind of data; the page words what it is, why
 * it is kept, in what form, for how long and who can see it in the reader's language, from the
 * entry's key ({@code privacy.<key>.what}, {@code .why}, {@code .form}, {@code .howLong}, {@code
 * .who}) and this policy's numbers. Each purpose has its legal basis ({@code
 * privacy.basis.<purpose>}), and the page says who the controller is and how to reach them.
 *
 * @param controller who decides what is done with the data: {@code site.controllerName}, or the
 *     operator's name
 * @param contactEmail where to exercise rights; empty when not configured
 * @param contactUrl the same, as a contact form; empty when not configured
 * @param shipmentDays how long a delivered shipment stays trackable
 * @param countries whether traffic statistics count countries (a GeoIP database is configured)
 * @param aggregateDays how long traffic statistics are kept
 * @param incidentDays how long abuse incidents are kept
 * @param mail whether email updates are offered (an SMTP server is configured)
 * @param mailDaysAfterDelivery how long a confirmed subscription outlives its piece's delivery
 * @param mailDaysAfterLastScan how long it outlives its piece's last scan
 * @param legalReachesSubscriptions whether a legal request about a number discloses its
 *     subscriptions' addresses
 */
public record PrivacyPolicy(
    String controller,
    String contactEmail,
    String contactUrl,
    int securityLogDays,
    boolean honorsPrivacySignals,
    int minCount,
    int shipmentDays,
    boolean countries,
    int aggregateDays,
    int incidentDays,
    boolean mail,
    int mailDaysAfterDelivery,
    int mailDaysAfterLastScan,
    boolean legalReachesSubscriptions,
    List<String> entries) {

  /** The rows of the "what we keep" table, in order. */
  private static final List<String> ENTRIES =
      List.of(
          "memory",
          "securityLog",
          "numbers",
          "requests",
          "incidents",
          "statistics",
          "serverLogs",
          "shipments");

  /** The purposes of the "legal basis" table, in order. */
  public static final List<String> PURPOSES =
      List.of("tracking", "security", "statistics", "legal");

  public PrivacyPolicy {
    entries = List.copyOf(entries);
  }

  public static PrivacyPolicy from(WaypostConfig config, boolean countriesConfigured) {
    String controller = config.site().controllerName();
    var notifications = config.notifications();
    List<String> entries = new java.util.ArrayList<>(ENTRIES);
    if (notifications.mailEnabled()) {
      entries.add(entries.indexOf("shipments"), "subscriptions");
    }
    return new PrivacyPolicy(
        controller.isEmpty() ? config.operator().name() : controller,
        config.site().contactEmail(),
        config.site().contactUrl(),
        config.privacy().securityLogRetentionDays(),
        config.privacy().honorGpc(),
        config.privacy().analyticsMinCount(),
        config.tracking().shipmentRetentionDays(),
        countriesConfigured,
        config.privacy().aggregateRetentionDays(),
        config.privacy().incidentRetentionDays(),
        notifications.mailEnabled(),
        notifications.daysAfterDelivery(),
        notifications.daysAfterLastScan(),
        notifications.legalRequestsReachSubscriptions(),
        entries);
  }

  /**
   * The values every entry's texts may use: {0} the security log's days, {1} the smallest count
   * shown, {2} a shipment's days, {3} 1 when countries are counted, else 0, {4} the statistics'
   * days, {5} the incidents' days, {6} and {7} a subscription's days after delivery and after the
   * last scan, {8} 1 when legal requests reach subscriptions, else 0.
   */
  public Object[] arguments() {
    return new Object[] {
      securityLogDays,
      minCount,
      shipmentDays,
      countries ? 1 : 0,
      aggregateDays,
      incidentDays,
      mailDaysAfterDelivery,
      mailDaysAfterLastScan,
      legalReachesSubscriptions ? 1 : 0
    };
  }

  /** Whether the page can name a way to reach the controller. */
  public boolean hasContact() {
    return !contactEmail.isEmpty() || !contactUrl.isEmpty();
  }

  /**
   * Everything the page is generated from, by configuration key: a change to any of these is a
   * change to the policy, which {@link PolicyVersions} dates.
   */
  public Map<String, Object> settings() {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("site.controllerName", controller);
    settings.put("site.contactEmail", contactEmail);
    settings.put("site.contactUrl", contactUrl);
    settings.put("privacy.securityLogRetentionDays", securityLogDays);
    settings.put("privacy.honorGpc", honorsPrivacySignals);
    settings.put("privacy.analyticsMinCount", minCount);
    settings.put("privacy.geoipDatabase", countries ? "configured" : "none");
    settings.put("privacy.aggregateRetentionDays", aggregateDays);
    settings.put("privacy.incidentRetentionDays", incidentDays);
    settings.put("tracking.shipmentRetentionDays", shipmentDays);
    settings.put("notifications.email", mail ? "offered" : "not offered");
    settings.put("notifications.daysAfterDelivery", mailDaysAfterDelivery);
    settings.put("notifications.daysAfterLastScan", mailDaysAfterLastScan);
    settings.put("notifications.legalRequestsReachSubscriptions", legalReachesSubscriptions);
    settings.put("policyText", TEXT_VERSION);
    return settings;
  }

  /**
   * The version of the policy's wording in this release: raised when the words change in a way that
   * changes what the policy says, so that such a release is dated in the history too.
   */
  static final int TEXT_VERSION = 3;
}
