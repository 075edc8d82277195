package org.waypost.tracking;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.waypost.error.Phrase;

/**
 * A tracking number Waypost can track: a USPS-format number (IMpb or the older 20/22-digit forms)
 * or a UPU S10 international postal number, whose format and check digit have been verified. The
 * rules follow the test numbers of jkeen/tracking_number_data; see CourierTestNumbersTest.
 *
 * <p>Instances only exist for valid numbers: the canonical constructor re-checks its arguments.
 *
 * <p>Long (about 480 lines) because each scheme's layout and check digit is spelled out beside the
 * others: they are Waypost's own rules, read and changed together, and split apart they would hide
 * how one number is told from another.
 */
public record TrackingNumber(String value, Scheme scheme) {

  /** Which family of formats a number belongs to. */
  public enum Scheme {
    IMPB,
    USPS_LEGACY,
    S10
  }

  private static final String ROUTING_APPLICATION_ID = "420";
  private static final int ZIP5_LENGTH = 5;
  private static final int ZIP9_LENGTH = 9;
  private static final int S10_MAX_SERIAL = 99_999_999;
  private static final int[] S10_WEIGHTS = {8, 6, 4, 2, 3, 5, 9, 7};
  private static final Pattern S10_SHAPE = Pattern.compile("[A-Z]{2}[0-9]{9}[A-Z]{2}");
  private static final Pattern TWO_LETTERS = Pattern.compile("[A-Z]{2}");

  /**
   * Why a number is refused: the English detail the API sends, and the key (under {@code
   * problem.detail.}) the pages word it with in other languages.
   */
  private enum Reason {
    EMPTY("number.empty", "Enter a tracking number."),
    BAD_CHARACTERS(
        "number.badCharacters", "A tracking number can only contain letters and digits."),
    WRONG_LENGTH(
        "number.wrongLength",
        "USPS tracking numbers have 20, 22, 26, 30 or 34 digits; this one has %d."),
    NOT_A_USPS_FORMAT(
        "number.notUsps",
        "These digits do not follow any USPS tracking number format: please check for a typing"
            + " error."),
    NOT_AN_S10_FORMAT(
        "number.notS10",
        "Waypost tracks numbers made only of digits, or of 2 letters, 9 digits and 2 letters"
            + " (as in RB123456785GB); this one is neither."),
    WRONG_CHECK_DIGIT(
        "number.checkDigit", "The check digit does not match: please check for a typing error."),
    UNKNOWN_COUNTRY("number.unknownCountry", "%s is not a postal country code.");

    private final String key;
    private final String english;

    Reason(String key, String english) {
      this.key = key;
      this.english = english;
    }
  }

  /** A reason with the value it names (a length, a country code), if any. */
  private record Refusal(Reason reason, Object value) {
    String detail() {
      return value == null ? reason.english : reason.english.formatted(value);
    }

    Phrase phrase() {
      return value == null ? Phrase.of(reason.key) : Phrase.of(reason.key, value);
    }
  }

  private static final String OTHER_CARRIER =
      "This looks like %1$s %2$s tracking number. Waypost only tracks USPS-format and"
          + " international postal (S10) numbers; please track it with %2$s.";
  private static final Phrase OTHER_CARRIER_PHRASE = Phrase.of("number.otherCarrier");
  private static final OtherCarriers OTHER_CARRIERS = OtherCarriers.load();

  public TrackingNumber {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(scheme, "scheme");
    if (judge(value).scheme() != scheme) {
      throw new IllegalArgumentException("value is not a valid, normalized " + scheme + " number");
    }
  }

  public static String normalize(String raw) {
    return raw == null ? "" : stripRoutingPrefix(clean(raw));
  }

  public static TrackingNumber parse(String raw) {
    String cleaned = raw == null ? "" : clean(raw);
    String normalized = stripRoutingPrefix(cleaned);
    Verdict verdict = judge(normalized);
    if (verdict.scheme() != null) {
      return new TrackingNumber(normalized, verdict.scheme());
    }
    // The cleaned form is used because a removed "420" prefix may have been part of, say, a
    // 34-digit FedEx number.
    List<OtherCarrier> carriers =
        verdict.otherCarriersMayClaim() ? OTHER_CARRIERS.matching(cleaned) : List.of();
    if (carriers.isEmpty()) {
      Refusal refusal = verdict.problem();
      throw new InvalidTrackingNumberException(
          normalized, refusal.detail(), refusal.phrase(), List.of());
    }
    throw new InvalidTrackingNumberException(
        normalized, otherCarrierDetail(carriers), OTHER_CARRIER_PHRASE, carriers);
  }

  /** How far a piece of typed or pasted text can be one tracking number on its own. */
  enum Wholeness {
    /** A number Waypost tracks. */
    VALID,
    /** Another carrier's number. */
    OTHER_CARRIER,
    /** Of a right shape, with a wrong check digit or country: one number, mistyped. */
    MISTYPED,
    /** Not one number. */
    NONE
  }

  /** Whether {@code raw} (not yet normalized) can be one number, and of what kind. */
  static Wholeness wholeness(String raw) {
    String cleaned = clean(raw);
    Verdict verdict = judge(stripRoutingPrefix(cleaned));
    if (verdict.scheme() != null) {
      return Wholeness.VALID;
    }
    Reason reason = verdict.problem().reason();
    if (reason == Reason.WRONG_CHECK_DIGIT || reason == Reason.UNKNOWN_COUNTRY) {
      return Wholeness.MISTYPED;
    }
    return verdict.otherCarriersMayClaim() && !OTHER_CARRIERS.matching(cleaned).isEmpty()
        ? Wholeness.OTHER_CARRIER
        : Wholeness.NONE;
  }

  public boolean international() {
    return scheme == Scheme.S10;
  }

  public String issuingCountry() {
    return scheme == Scheme.S10 ? value.substring(11) : "US";
  }

  public static TrackingNumber issueImpb(String serviceTypeCode, String mailerId, long serial) {
    requireDigits(serviceTypeCode, 3, "serviceTypeCode");
    boolean nineDigitMid = mailerId != null && mailerId.startsWith("9");
    requireDigits(mailerId, nineDigitMid ? 9 : 6, "mailerId");
    int serialLength = nineDigitMid ? 7 : 10;
    if (serial < 0 || serial >= pow10(serialLength)) {
      throw new IllegalArgumentException(
          "serial must be between 0 and " + (pow10(serialLength) - 1) + " for this mailer ID");
    }
    String data = "94" + serviceTypeCode + mailerId + zeroPad(serial, serialLength);
    return new TrackingNumber(data + uspsCheckDigit(data), Scheme.IMPB);
  }

  public static TrackingNumber issueS10(String serviceIndicator, long serial, String country) {
    if (serviceIndicator == null || !TWO_LETTERS.matcher(serviceIndicator).matches()) {
      throw new IllegalArgumentException("serviceIndicator must be two letters A-Z");
    }
    if (serial < 0 || serial > S10_MAX_SERIAL) {
      throw new IllegalArgumentException("serial must be between 0 and " + S10_MAX_SERIAL);
    }
    if (country == null || !UpuCountries.CODES.contains(country)) {
      throw new IllegalArgumentException("country must be a UPU country code");
    }
    String digits = zeroPad(serial, 8);
    return new TrackingNumber(
        serviceIndicator + digits + s10CheckDigit(digits) + country, Scheme.S10);
  }

  // ---- normalizing

  /**
   * Drops separators people type or paste, and upper-cases a to z. Other letters are left for
   * validation to refuse, rather than mapped (as Character.toUpperCase maps the dotless i to I).
   */
  private static String clean(String raw) {
    if (isUpperAlphanumeric(raw)) {
      return raw; // as sent by machines: nothing to drop or change
    }
    StringBuilder out = new StringBuilder(raw.length());
    raw.codePoints()
        .filter(codePoint -> !isSeparator(codePoint))
        .map(codePoint -> codePoint >= 'a' && codePoint <= 'z' ? codePoint - 'a' + 'A' : codePoint)
        .forEach(out::appendCodePoint);
    return out.toString();
  }

  /**
   * Whitespace, dashes and invisible formatting characters (such as zero-width spaces, which come
   * along when copying from web pages).
   */
  private static boolean isSeparator(int codePoint) {
    int type = Character.getType(codePoint);
    return Character.isWhitespace(codePoint)
        || Character.isSpaceChar(codePoint)
        || type == Character.DASH_PUNCTUATION
        || type == Character.FORMAT
        || codePoint == '\u2212'; // MINUS SIGN, a look-alike of the dash
  }

  /**
   * Removes the IMpb routing prefix "420" + ZIP5 or ZIP9 in front of a USPS serial, preferring the
   * reading under which the serial is valid.
   */
  private static String stripRoutingPrefix(String cleaned) {
    if (!cleaned.startsWith(ROUTING_APPLICATION_ID) || !isDigits(cleaned)) {
      return cleaned;
    }
    List<String> serials = new ArrayList<>();
    for (int zipLength : new int[] {ZIP9_LENGTH, ZIP5_LENGTH}) {
      int serialStart = ROUTING_APPLICATION_ID.length() + zipLength;
      if (cleaned.length() > serialStart
          && hasPrefixableShape(cleaned.substring(serialStart), zipLength)) {
        serials.add(cleaned.substring(serialStart));
      }
    }
    return serials.stream()
        .filter(serial -> judgeUsps(serial).scheme() != null)
        .findFirst()
        .or(() -> serials.stream().findFirst())
        .orElse(cleaned);
  }

  /** A ZIP9 prefix is followed by 22 digits; a ZIP5 prefix by 22 or 26 (22 only for AI 91). */
  private static boolean hasPrefixableShape(String serial, int zipLength) {
    return switch (serial.length()) {
      case 22 -> startsWithApplicationId(serial, "12345");
      case 26 -> zipLength == ZIP5_LENGTH && startsWithApplicationId(serial, "2345");
      default -> false;
    };
  }

  /** Whether the serial starts with 9 followed by one of the given digits. */
  private static boolean startsWithApplicationId(String serial, String secondDigits) {
    return serial.charAt(0) == '9' && secondDigits.indexOf(serial.charAt(1)) >= 0;
  }

  // ---- validating

  /**
   * Either the scheme of a valid number, or the problem with an invalid one and whether it may
   * still be another carrier's number.
   */
  private record Verdict(Scheme scheme, Refusal problem, boolean otherCarriersMayClaim) {
    static Verdict valid(Scheme scheme) {
      return new Verdict(scheme, null, false);
    }

    /** Not a number Waypost tracks, though perhaps another carrier's. */
    static Verdict refused(Reason reason, Object value) {
      return new Verdict(null, new Refusal(reason, value), true);
    }

    static Verdict refused(Reason reason) {
      return refused(reason, null);
    }

    /**
     * No carrier's number: empty or with characters no format has, or shaped as an S10 number,
     * which is left to the postal services even where another carrier's format (DHL eCommerce's
     * "LX...") would take it, since a typing error in a postal number is far likelier.
     */
    static Verdict refusedForAll(Reason reason, Object value) {
      return new Verdict(null, new Refusal(reason, value), false);
    }

    static Verdict refusedForAll(Reason reason) {
      return refusedForAll(reason, null);
    }
  }

  private static Verdict judge(String normalized) {
    if (normalized.isEmpty()) {
      return Verdict.refusedForAll(Reason.EMPTY);
    }
    if (!isUpperAlphanumeric(normalized)) {
      return Verdict.refusedForAll(Reason.BAD_CHARACTERS);
    }
    return isDigits(normalized) ? judgeUsps(normalized) : judgeS10(normalized);
  }

  private static Verdict judgeUsps(String digits) {
    return switch (digits.length()) {
      case 20 -> judgeTwentyDigits(digits);
      case 22, 26, 30, 34 -> judgeWithApplicationId(digits);
      default -> Verdict.refused(Reason.WRONG_LENGTH, digits.length());
    };
  }

  /**
   * Printed without the "91" application identifier, the check digit may have been computed either
   * with or without it: both kinds are in circulation.
   */
  private static Verdict judgeTwentyDigits(String digits) {
    String data = digits.substring(0, 19);
    int check = digits.charAt(19) - '0';
    boolean valid = uspsCheckDigit(data) == check || uspsCheckDigit("91" + data) == check;
    return valid ? Verdict.valid(Scheme.USPS_LEGACY) : Verdict.refused(Reason.WRONG_CHECK_DIGIT);
  }

  private static Verdict judgeWithApplicationId(String digits) {
    return switch (digits.substring(0, 2)) {
      case "91" ->
          digits.length() == 22
              ? checkUspsDigit(digits, Scheme.USPS_LEGACY)
              : Verdict.refused(Reason.NOT_A_USPS_FORMAT);
      case "92", "93", "94", "95" ->
          hasImpbStructure(digits)
              ? checkUspsDigit(digits, Scheme.IMPB)
              : Verdict.refused(Reason.NOT_A_USPS_FORMAT);
      default -> Verdict.refused(Reason.NOT_A_USPS_FORMAT);
    };
  }

  /**
   * Application identifier (2), service type code (3), mailer ID (9 digits when it starts with 9,
   * else 6), package ID, check digit. AI 92 needs a 9-digit and AI 93 a 6-digit mailer ID.
   */
  private static boolean hasImpbStructure(String digits) {
    char ai = digits.charAt(1);
    boolean nineDigitMid = digits.charAt(5) == '9';
    if ((ai == '2' && !nineDigitMid) || (ai == '3' && nineDigitMid)) {
      return false;
    }
    int packageIdLength = digits.length() - 2 - 3 - (nineDigitMid ? 9 : 6) - 1;
    return nineDigitMid
        ? packageIdLength == 7 || packageIdLength == 11 || (packageIdLength == 15 && ai == '4')
        : packageIdLength == 10 || packageIdLength == 14;
  }

  private static Verdict checkUspsDigit(String digits, Scheme scheme) {
    int last = digits.length() - 1;
    boolean valid = uspsCheckDigit(digits.substring(0, last)) == digits.charAt(last) - '0';
    return valid ? Verdict.valid(scheme) : Verdict.refused(Reason.WRONG_CHECK_DIGIT);
  }

  private static Verdict judgeS10(String normalized) {
    if (!S10_SHAPE.matcher(normalized).matches()) {
      return Verdict.refused(Reason.NOT_AN_S10_FORMAT);
    }
    String country = normalized.substring(11);
    if (!UpuCountries.CODES.contains(country)) {
      return Verdict.refusedForAll(Reason.UNKNOWN_COUNTRY, country);
    }
    boolean valid = s10CheckDigit(normalized.substring(2, 10)) == normalized.charAt(10) - '0';
    return valid ? Verdict.valid(Scheme.S10) : Verdict.refusedForAll(Reason.WRONG_CHECK_DIGIT);
  }

  /** "This looks like a FedEx or Purolator tracking number ...": every carrier, by name. */
  static String otherCarrierDetail(List<OtherCarrier> carriers) {
    StringBuilder names = new StringBuilder(carriers.get(0).name());
    for (int i = 1; i < carriers.size(); i++) {
      names.append(i == carriers.size() - 1 ? " or " : ", ").append(carriers.get(i).name());
    }
    return OTHER_CARRIER.formatted(article(names), names);
  }

  /**
   * "an" before a name that starts with a vowel sound (an Amazon, an OnTrac), "a" otherwise. The
   * first letter decides, U read as "you" (a UPS), which holds for every carrier in the data.
   */
  private static String article(CharSequence name) {
    return "AEIO".indexOf(Character.toUpperCase(name.charAt(0))) >= 0 ? "an" : "a";
  }

  // ---- check digits

  /** USPS mod 10: weights 3, 1, 3, ... from the rightmost data digit leftwards. */
  private static int uspsCheckDigit(String data) {
    int sum = 0;
    int weight = 3;
    for (int i = data.length() - 1; i >= 0; i--) {
      sum += (data.charAt(i) - '0') * weight;
      weight = 4 - weight;
    }
    return (10 - sum % 10) % 10;
  }

  /** UPU S10: weights 8 6 4 2 3 5 9 7, then 11 - sum mod 11, with 10 read as 0 and 11 as 5. */
  private static int s10CheckDigit(String eightDigits) {
    int sum = 0;
    for (int i = 0; i < S10_WEIGHTS.length; i++) {
      sum += (eightDigits.charAt(i) - '0') * S10_WEIGHTS[i];
    }
    int check = 11 - sum % 11;
    return switch (check) {
      case 10 -> 0;
      case 11 -> 5;
      default -> check;
    };
  }

  // ---- small helpers

  private static boolean isAsciiDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!isAsciiDigit(s.charAt(i))) {
        return false;
      }
    }
    return !s.isEmpty();
  }

  /** Only the digits 0-9 and the letters A-Z (and not empty). */
  private static boolean isUpperAlphanumeric(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!isAsciiDigit(c) && (c < 'A' || c > 'Z')) {
        return false;
      }
    }
    return !s.isEmpty();
  }

  private static void requireDigits(String s, int length, String name) {
    if (s == null || s.length() != length || !isDigits(s)) {
      throw new IllegalArgumentException(name + " must be " + length + " digits");
    }
  }

  private static long pow10(int exponent) {
    long result = 1;
    for (int i = 0; i < exponent; i++) {
      result *= 10;
    }
    return result;
  }

  private static String zeroPad(long n, int width) {
    String digits = Long.toString(n);
    return "0".repeat(width - digits.length()) + digits;
  }

  /** The UPU member country codes, loaded once from upu-countries.txt beside this class. */
  private static final class UpuCountries {
    static final Set<String> CODES = load();

    private static Set<String> load() {
      InputStream in = TrackingNumber.class.getResourceAsStream("upu-countries.txt");
      if (in == null) {
        throw new IllegalStateException("upu-countries.txt is missing from the classpath");
      }
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        return reader
            .lines()
            .map(String::strip)
            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
            .collect(Collectors.toUnmodifiableSet());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
