package org.waypost.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One tracking number format of a courier definition (an entry of its {@code tracking_numbers}),
 * compiled once: a number is the courier's when it matches the whole regex, its check digit passes
 * the checksum, and the additional validations hold, as the tracking_number gem decides {@code
 * valid?}.
 *
 * <p>Numbers are matched after Waypost's normalization, which removes every space and dash. The
 * regexes already allow spaces anywhere, so the only change made to them is that a literal dash
 * (LaserShip's "-1" suffix) is dropped, since it can never be there.
 *
 * <p>One rule is Waypost's own: a number whose serial number and check digit are all zeros is
 * claimed by no format with a checksum. Every weighted-sum checksum of a zero serial is 0, so
 * {@code 000000000000} passes FedEx's and Purolator's checks while proving nothing; it is what
 * people type to try a form, not a shipment.
 */
final class CourierFormat {
  private static final Set<String> VALIDATIONS =
      Set.of("checksum", "serial_number_format", "additional");
  private static final String SERIAL_NUMBER = "SerialNumber";
  private static final String CHECK_DIGIT = "CheckDigit";

  private final Pattern pattern;
  private final Checksum checksum;
  private final Pattern prependIf;
  private final String prependContent;
  private final List<RequiredLookup> requiredLookups;
  private final String trackingUrl;

  private CourierFormat(
      Pattern pattern,
      Checksum checksum,
      Pattern prependIf,
      String prependContent,
      List<RequiredLookup> requiredLookups,
      String trackingUrl) {
    this.pattern = pattern;
    this.checksum = checksum;
    this.prependIf = prependIf;
    this.prependContent = prependContent;
    this.requiredLookups = requiredLookups;
    this.trackingUrl = trackingUrl;
  }

  /**
   * An additional lookup that must find the value of a regex group ({@code validation.additional
   * .exists}): S10's "Courier", which holds only the country codes postal services use.
   */
  private record RequiredLookup(String group, List<String> values, List<Pattern> patterns) {
    boolean finds(String value) {
      if (value == null) {
        return false;
      }
      if (values.contains(value)) {
        return true;
      }
      for (Pattern p : patterns) {
        if (p.matcher(value).find()) {
          return true;
        }
      }
      return false;
    }
  }

  /** Reads one entry of a definition's {@code tracking_numbers}, refusing what it cannot honour. */
  static CourierFormat of(JsonNode format) {
    String name = format.path("name").asText();
    try {
      Pattern pattern = compile(withoutDashes(regex(format.path("regex"))));
      Set<String> groups = pattern.namedGroups().keySet();
      if (!groups.contains(SERIAL_NUMBER)) {
        throw new IllegalArgumentException("the regex has no " + SERIAL_NUMBER + " group");
      }
      JsonNode validation = format.path("validation");
      validation
          .fieldNames()
          .forEachRemaining(
              key -> {
                if (!VALIDATIONS.contains(key)) {
                  throw new IllegalArgumentException("unknown validation \"" + key + "\"");
                }
              });
      Checksum checksum = null;
      if (validation.has("checksum")) {
        if (!groups.contains(CHECK_DIGIT)) {
          throw new IllegalArgumentException("a checksum needs a " + CHECK_DIGIT + " group");
        }
        checksum = Checksum.of(validation.path("checksum"));
      }
      JsonNode prepend = validation.path("serial_number_format");
      if (!prepend.isMissingNode() && (prepend.size() != 1 || !prepend.has("prepend_if"))) {
        throw new IllegalArgumentException("serial_number_format supports only prepend_if");
      }
      JsonNode prependIf = prepend.path("prepend_if");
      return new CourierFormat(
          pattern,
          checksum,
          prependIf.isMissingNode() ? null : compile(prependIf.path("matches_regex").asText()),
          prependIf.path("content").asText(""),
          requiredLookups(validation.path("additional"), format.path("additional"), groups),
          trackingUrl(format.path("tracking_url")));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("format \"" + name + "\": " + e.getMessage(), e);
    }
  }

  /** Whether {@code number}, normalized by Waypost, is a valid number of this format. */
  boolean matches(String number) {
    Matcher matcher = pattern.matcher(number);
    if (!matcher.matches()) {
      return false;
    }
    for (RequiredLookup lookup : requiredLookups) {
      if (!lookup.finds(matcher.group(lookup.group()))) {
        return false;
      }
    }
    if (checksum == null) {
      return true;
    }
    String serial = matcher.group(SERIAL_NUMBER);
    if (prependIf != null && prependIf.matcher(serial).find()) {
      serial = prependContent + serial;
    }
    String checkDigit = matcher.group(CHECK_DIGIT);
    return checksum.validates(serial, checkDigit) && !(isZeros(serial) && isZeros(checkDigit));
  }

  /** The carrier as named to the person who typed {@code number}, with its tracking page. */
  OtherCarrier carrier(String courierName, String number) {
    return new OtherCarrier(
        courierName, trackingUrl == null ? null : trackingUrl.replace("%s", number));
  }

  // ---- reading the definition

  /** A regex is a string, or an array of strings to be concatenated. */
  private static String regex(JsonNode regex) {
    if (regex.isTextual()) {
      return regex.asText();
    }
    if (!regex.isArray() || regex.isEmpty()) {
      throw new IllegalArgumentException("regex must be a string or an array of strings");
    }
    StringBuilder joined = new StringBuilder();
    for (JsonNode part : regex) {
      if (!part.isTextual()) {
        throw new IllegalArgumentException("regex must be a string or an array of strings");
      }
      joined.append(part.asText());
    }
    return joined.toString();
  }

  /** The regex without its literal dashes: those outside a character class, unescaped. */
  static String withoutDashes(String regex) {
    StringBuilder out = new StringBuilder(regex.length());
    boolean inClass = false;
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\' && i + 1 < regex.length()) {
        out.append(c).append(regex.charAt(++i));
        continue;
      }
      if (c == '[') {
        inClass = true;
      } else if (c == ']') {
        inClass = false;
      } else if (c == '-' && !inClass) {
        continue;
      }
      out.append(c);
    }
    return out.toString();
  }

  private static Pattern compile(String regex) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("the regex does not compile: " + e.getDescription(), e);
    }
  }

  private static List<RequiredLookup> requiredLookups(
      JsonNode required, JsonNode additional, Set<String> groups) {
    if (required.isMissingNode()) {
      return List.of();
    }
    if (required.size() != 1 || !required.path("exists").isArray()) {
      throw new IllegalArgumentException("validation.additional supports only exists");
    }
    List<RequiredLookup> lookups = new ArrayList<>();
    for (JsonNode exists : required.path("exists")) {
      JsonNode table = null;
      for (JsonNode candidate : additional) {
        if (candidate.path("name").asText().equals(exists.asText())) {
          table = candidate;
        }
      }
      if (table == null) {
        throw new IllegalArgumentException("no additional lookup is named " + exists);
      }
      String group = table.path("regex_group_name").asText();
      if (!groups.contains(group)) {
        throw new IllegalArgumentException("the regex has no " + group + " group");
      }
      List<String> values = new ArrayList<>();
      List<Pattern> patterns = new ArrayList<>();
      for (JsonNode entry : table.path("lookup")) {
        if (entry.has("matches")) {
          values.add(entry.path("matches").asText());
        } else if (entry.has("matches_regex")) {
          patterns.add(compile(entry.path("matches_regex").asText()));
        }
      }
      lookups.add(new RequiredLookup(group, List.copyOf(values), List.copyOf(patterns)));
    }
    return List.copyOf(lookups);
  }

  private static String trackingUrl(JsonNode url) {
    if (url.isMissingNode() || url.isNull()) {
      return null;
    }
    String template = url.asText();
    if (!template.startsWith("https://") && !template.startsWith("http://")
        || template.indexOf("%s") < 0
        || template.indexOf("%s") != template.lastIndexOf("%s")) {
      throw new IllegalArgumentException("tracking_url must be an http(s) URL with one %s");
    }
    return template;
  }

  private static boolean isZeros(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }
}
