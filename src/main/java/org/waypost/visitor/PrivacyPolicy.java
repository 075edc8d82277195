package org.waypost.visitor;

import java.util.List;
import org.waypost.config.WaypostConfig;

/**
 * The privacy policy as facts derived from the running configuration, so the page cannot say
 * something the code does not do. Each entry names a kind of data; the page words what it is, why
 * it is kept, in what form, for how long and who can see it in the reader's language, from the
 * entry's key ({@code privacy.<key>.what}, {@code .why}, {@code .form}, {@code .howLong}, {@code
 * .who}) and this policy's numbers.
 *
 * @param shipmentDays how long a delivered shipment stays trackable
 * @param countries whether traffic statistics count countries (a GeoIP database is configured)
 */
public record PrivacyPolicy(
    int securityLogDays,
    boolean honorsPrivacySignals,
    int minCount,
    int shipmentDays,
    boolean countries,
    List<String> entries) {

  /** The rows of the "what we keep" table, in order. */
  private static final List<String> ENTRIES =
      List.of(
          "memory", "securityLog", "numbers", "requests", "statistics", "serverLogs", "shipments");

  public PrivacyPolicy {
    entries = List.copyOf(entries);
  }

  public static PrivacyPolicy from(WaypostConfig config, boolean countriesConfigured) {
    return new PrivacyPolicy(
        config.privacy().securityLogRetentionDays(),
        config.privacy().honorGpc(),
        config.privacy().analyticsMinCount(),
        config.tracking().shipmentRetentionDays(),
        countriesConfigured,
        ENTRIES);
  }

  /**
   * The values every entry's texts may use: {0} the security log's days, {1} the smallest count
   * shown, {2} a shipment's days, {3} 1 when countries are counted, else 0.
   */
  public Object[] arguments() {
    return new Object[] {securityLogDays, minCount, shipmentDays, countries ? 1 : 0};
  }
}
