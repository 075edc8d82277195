package org.waypost.tracking;

import java.util.Locale;

/**
 * A place as a tracking page shows it: city, region, postal code and country, never a street or a
 * name. Values are trimmed and upper-cased, as postal systems print them.
 */
public record Location(String city, String region, String postalCode, String country) {

  public Location {
    city = clean(city);
    region = clean(region);
    postalCode = clean(postalCode);
    country = clean(country);
  }

  private static String clean(String value) {
    if (value == null) {
      return null;
    }
    String trimmed = value.strip();
    return trimmed.isEmpty() ? null : trimmed.toUpperCase(Locale.ROOT);
  }

  /** "LOS ANGELES, CA 90052" or "LONDON, GB": how a history line names the place. */
  public String display() {
    StringBuilder out = new StringBuilder();
    if (city != null) {
      out.append(city);
    }
    if (region != null) {
      out.append(out.isEmpty() ? "" : ", ").append(region);
    }
    if (postalCode != null) {
      out.append(out.isEmpty() ? "" : " ").append(postalCode);
    }
    if (country != null && (region == null || !country.equals("US"))) {
      out.append(out.isEmpty() ? "" : ", ").append(country);
    }
    return out.toString();
  }
}
