package org.waypost.shipper;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;
import org.waypost.tracking.Location;

/**
 * Reads fields out of a JSON object sent by a shipper, refusing anything unexpected: unknown
 * fields, wrong types, over-long text, control characters. Each refusal names the field.
 */
public final class Fields {
  private static final Pattern COUNTRY = Pattern.compile("[A-Za-z]{2}");
  private static final Pattern ZIP = Pattern.compile("[0-9]{5}(-[0-9]{4})?");
  private static final Pattern POSTAL = Pattern.compile("[A-Z0-9 -]+");
  private static final Set<String> LOCATION_FIELDS =
      Set.of("city", "region", "postalCode", "country");

  /** A refused field; the message is the problem's detail. */
  public static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  private Fields() {}

  public static void onlyKnown(JsonNode object, Set<String> known, String path) {
    if (!object.isObject()) {
      throw new Invalid(path.isEmpty() ? "must be a JSON object" : path + " must be an object");
    }
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new Invalid("unknown field '" + prefix(path) + name + "'");
      }
    }
  }

  public static String text(
      JsonNode object, String name, int maxLength, boolean required, String path) {
    JsonNode node = object.get(name);
    String field = prefix(path) + name;
    if (node == null || node.isNull()) {
      if (required) {
        throw new Invalid(field + " is required");
      }
      return null;
    }
    if (!node.isTextual()) {
      throw new Invalid(field + " must be a string");
    }
    String value = node.textValue().strip();
    if (value.isEmpty()) {
      if (required) {
        throw new Invalid(field + " must not be empty");
      }
      return null;
    }
    if (value.length() > maxLength) {
      throw new Invalid(field + " must be at most " + maxLength + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new Invalid(field + " must not contain control characters");
      }
    }
    return value;
  }

  public static <E extends Enum<E>> E choice(
      JsonNode object, String name, Class<E> type, String path) {
    String value = text(object, name, 40, true, path);
    try {
      return Enum.valueOf(type, value);
    } catch (IllegalArgumentException e) {
      throw new Invalid(
          prefix(path)
              + name
              + " must be one of "
              + java.util.Arrays.toString(type.getEnumConstants()));
    }
  }

  /** A place; {@code requireCity} for shipment ends, where a city is always known. */
  public static Location location(
      JsonNode object, String name, boolean required, boolean requireCity) {
    JsonNode node = object.get(name);
    if (node == null || node.isNull()) {
      if (required) {
        throw new Invalid(name + " is required");
      }
      return null;
    }
    onlyKnown(node, LOCATION_FIELDS, name);
    String country = text(node, "country", 2, true, name);
    if (!COUNTRY.matcher(country).matches()) {
      throw new Invalid(name + ".country must be a two-letter country code");
    }
    Location location =
        new Location(
            text(node, "city", 64, requireCity, name),
            text(node, "region", 32, false, name),
            text(node, "postalCode", 16, false, name),
            country);
    String postal = location.postalCode();
    if (postal != null && location.country().equals("US") && !ZIP.matcher(postal).matches()) {
      throw new Invalid(name + ".postalCode must be a ZIP code such as 22032 or 22032-1234");
    }
    if (postal != null && !POSTAL.matcher(postal).matches()) {
      throw new Invalid(name + ".postalCode may contain only letters, digits, spaces and dashes");
    }
    return location;
  }

  private static String prefix(String path) {
    return path.isEmpty() ? "" : path + ".";
  }
}
