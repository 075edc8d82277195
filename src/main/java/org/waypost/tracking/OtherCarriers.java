package org.waypost.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.waypost.json.Json;

/**
 * The carriers Waypost recognises but cannot track, read from the courier definitions of
 * jkeen/tracking_number_data (copied, with its licence, under {@code couriers/} beside this class;
 * see SOURCE there). Their formats, check digits and tracking pages are the dataset's, not
 * hand-written: a new courier or a corrected format arrives by copying the new files.
 *
 * <p>USPS and S10 numbers are not among them: those are Waypost's own, judged by {@link
 * TrackingNumber}, which asks for the other carriers only once a number has failed its own rules.
 */
final class OtherCarriers {
  /** The definition files under couriers/, by name: one for each courier Waypost can name. */
  static final List<String> FILES =
      List.of(
          "amazon",
          "canadapost",
          "canpar",
          "dhl",
          "dpd",
          "fedex",
          "gofo",
          "landmark",
          "lasership",
          "old_dominion",
          "ontrac",
          "purolator",
          "speedee",
          "ups",
          "yodel",
          "yunexpress");

  private final List<Courier> couriers;

  /** One courier definition: its name and its formats, in the file's order. */
  private record Courier(String name, List<CourierFormat> formats) {}

  private OtherCarriers(List<Courier> couriers) {
    this.couriers = couriers;
  }

  /** The definitions bundled with Waypost. */
  static OtherCarriers load() {
    List<JsonNode> definitions = new ArrayList<>();
    for (String file : FILES) {
      definitions.add(read("couriers/" + file + ".json"));
    }
    return of(definitions);
  }

  /**
   * The carriers of these courier definitions (the parsed JSON of couriers/*.json), ordered by
   * name.
   */
  static OtherCarriers of(List<JsonNode> definitions) {
    List<Courier> couriers = new ArrayList<>();
    for (JsonNode definition : definitions) {
      String name = definition.path("name").asText();
      try {
        if (name.isBlank() || !definition.path("tracking_numbers").isArray()) {
          throw new IllegalArgumentException("a definition needs a name and tracking_numbers");
        }
        List<CourierFormat> formats = new ArrayList<>();
        for (JsonNode format : definition.path("tracking_numbers")) {
          formats.add(CourierFormat.of(format));
        }
        couriers.add(new Courier(name, List.copyOf(formats)));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(
            "courier definition \"" + name + "\" cannot be used: " + e.getMessage(), e);
      }
    }
    couriers.sort(Comparator.comparing(Courier::name, String.CASE_INSENSITIVE_ORDER));
    return new OtherCarriers(List.copyOf(couriers));
  }

  /**
   * Every carrier one of whose formats {@code number} (normalized: upper-case letters and digits
   * only) is valid in, by name, each with the tracking page of the first such format. Empty, and
   * nothing allocated for it, when none matches.
   */
  List<OtherCarrier> matching(String number) {
    List<OtherCarrier> found = List.of();
    for (Courier courier : couriers) {
      for (CourierFormat format : courier.formats()) {
        if (format.matches(number)) {
          if (found.isEmpty()) {
            found = new ArrayList<>(2);
          }
          found.add(format.carrier(courier.name(), number));
          break;
        }
      }
    }
    return found;
  }

  private static JsonNode read(String resource) {
    try (InputStream in = OtherCarriers.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the classpath");
      }
      return Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
