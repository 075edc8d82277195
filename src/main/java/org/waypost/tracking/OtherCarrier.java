package org.waypost.tracking;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Carriers whose numbers Waypost cannot track but can recognise, so that a person who typed one is
 * told where to track it instead of just "invalid". The formats and check digits follow
 * jkeen/tracking_number_data (couriers/ups.json, fedex.json and dhl.json).
 */
public enum OtherCarrier {
  UPS("UPS"),
  FEDEX("FedEx"),
  DHL("DHL");

  private final String displayName;

  OtherCarrier(String displayName) {
    this.displayName = displayName;
  }

  public String displayName() {
    return displayName;
  }

  /**
   * The carrier whose format the normalized number matches, trying formats with a check digit
   * first: a format without one is claimed only when nothing else matches.
   */
  public static Optional<OtherCarrier> detect(String normalized) {
    if (normalized == null) {
      return Optional.empty();
    }
    return Stream.of(Formats.WITH_CHECK_DIGIT, Formats.WITHOUT_CHECK_DIGIT)
        .flatMap(List::stream)
        .filter(format -> format.matches(normalized))
        .map(Format::carrier)
        .findFirst();
  }

  /** A whole-string pattern plus the check its digits must pass. */
  private record Format(OtherCarrier carrier, Pattern pattern, Predicate<String> check) {
    static Format of(OtherCarrier carrier, String regex, Predicate<String> check) {
      return new Format(carrier, Pattern.compile(regex), check);
    }

    boolean matches(String normalized) {
      return pattern.matcher(normalized).matches() && check.test(normalized);
    }
  }

  /** Kept apart from the enum so that the formats can refer to its constants. */
  private static final class Formats {
    static final Pattern S10_SHAPE = Pattern.compile("[A-Z]{2}[0-9]{9}[A-Z]{2}");

    static final List<Format> WITH_CHECK_DIGIT =
        List.of(
            // UPS: "1Z" + shipper (6) + service (2) + package (7), letters allowed, + check.
            Format.of(UPS, "1Z[0-9A-Z]{15}[0-9]", s -> mod10(s, 2, 17, 1, 2)),
            // UPS waybill: a letter + 9 digits + check.
            Format.of(UPS, "[AHJKTV][0-9]{10}", s -> mod10(s, 1, 10, 1, 2)),
            Format.of(FEDEX, "[0-9]{12}", s -> fedexMod11(s, 0, 11)),
            // FedEx Ground.
            Format.of(FEDEX, "[0-9]{15}", s -> mod10(s, 0, 14, 1, 3)),
            // FedEx Ground SSCC-18: container type (2) + serial (15) + check.
            Format.of(FEDEX, "[0-9]{18}", s -> mod10(s, 2, 17, 3, 1)),
            // FedEx Ground 96: "96" + SCNC (2) + service (3) + shipper (7) + package (7) + check.
            Format.of(FEDEX, "96[0-9]{20}", s -> mod10(s, 7, 21, 1, 3)),
            // FedEx ASTRA: the Express number sits in positions 17 to 28.
            Format.of(FEDEX, "3[0-9]{31}", s -> fedexMod11(s, 16, 27)),
            // FedEx Express (34) and Ground GSN ("96"): serial (13) + check at the end.
            Format.of(FEDEX, "([0-8][0-9]|96)[0-9]{32}", s -> fedexMod11(s, 20, 33)),
            // DHL Express: the serial mod 7.
            Format.of(DHL, "[0-9]{10,11}", Formats::dhlMod7));

    static final List<Format> WITHOUT_CHECK_DIGIT =
        List.of(
            // DHL Express piece ID.
            Format.of(DHL, "J[A-Z]{2,3}[0-9]{9,10}", s -> true),
            // DHL eCommerce; an S10-shaped number is left to the postal services.
            Format.of(
                DHL,
                "(GM|LX|RX|UV|CN|SG|TH|IN|HK|MY)[0-9][0-9A-Z]{9,38}",
                s -> !S10_SHAPE.matcher(s).matches()),
            // DHL eCommerce (14).
            Format.of(DHL, "[0-9]{14}", s -> true));

    /**
     * Mod 10 over s[from, to) against the digit at s[to], with weights by 0-based position in that
     * range; letters count as (code - 3) mod 10, as UPS does.
     */
    private static boolean mod10(String s, int from, int to, int evenWeight, int oddWeight) {
      int sum = 0;
      for (int i = from; i < to; i++) {
        sum += value(s.charAt(i)) * ((i - from) % 2 == 0 ? evenWeight : oddWeight);
      }
      return (10 - sum % 10) % 10 == s.charAt(to) - '0';
    }

    /**
     * FedEx's mod 11 over s[from, to) against the digit at s[to]: weights 1, 3, 7, ... from the
     * rightmost digit leftwards, and the sum mod 11 mod 10.
     */
    private static boolean fedexMod11(String s, int from, int to) {
      int[] weights = {1, 3, 7};
      int sum = 0;
      for (int i = to - 1; i >= from; i--) {
        sum += (s.charAt(i) - '0') * weights[(to - 1 - i) % 3];
      }
      return sum % 11 % 10 == s.charAt(to) - '0';
    }

    private static boolean dhlMod7(String s) {
      int last = s.length() - 1;
      return Long.parseLong(s.substring(0, last)) % 7 == s.charAt(last) - '0';
    }

    private static int value(char c) {
      return c >= '0' && c <= '9' ? c - '0' : (c - 3) % 10;
    }
  }
}
