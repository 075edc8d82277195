package org.waypost.config;

import static org.waypost.config.ConfigException.require;

/**
 * Who runs this Waypost: the name shown on pages, and the identifiers used to issue numbers.
 *
 * @param mailerId the USPS Mailer ID in new IMpb numbers: 6 digits, or 9 digits starting with 9
 * @param country the ISO 3166 country of the operator; destinations elsewhere are international
 */
public record OperatorConfig(String name, String mailerId, String country) {

  public OperatorConfig {
    require(
        name != null && !name.isBlank() && name.length() <= 80,
        "operator.name must be 1 to 80 characters");
    require(
        mailerId != null && (mailerId.matches("[0-8][0-9]{5}") || mailerId.matches("9[0-9]{8}")),
        "operator.mailerId must be 6 digits, or 9 digits starting with 9, was '" + mailerId + "'");
    require(
        country != null && country.matches("[A-Z]{2}"),
        "operator.country must be a two-letter upper-case country code, was '" + country + "'");
  }

  static OperatorConfig defaults() {
    return new OperatorConfig("Example Post", "123456", "US");
  }
}
