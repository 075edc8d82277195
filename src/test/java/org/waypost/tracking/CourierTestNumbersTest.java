package org.waypost.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The acceptance test of TrackingNumber and OtherCarrier: the valid and invalid test numbers of
 * jkeen/tracking_number_data, copied under src/test/resources/tracking-number-data.
 */
class CourierTestNumbersTest {
  private static final String DATA = "/tracking-number-data/couriers/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Map<String, TrackingNumber.Scheme> SCHEME_BY_FORMAT_ID =
      Map.of(
          "usps_20", TrackingNumber.Scheme.USPS_LEGACY,
          "usps_legacy", TrackingNumber.Scheme.USPS_LEGACY,
          "usps_impb_n", TrackingNumber.Scheme.IMPB,
          "usps_impb_c", TrackingNumber.Scheme.IMPB,
          "s10", TrackingNumber.Scheme.S10);

  @ParameterizedTest(name = "{0} ({1})")
  @MethodSource("validPostalNumbers")
  void validPostalNumbersParse(String number, String formatName, JsonNode format) {
    TrackingNumber parsed = parseOrFail(number);

    assertThat(parsed.value()).as(number).isEqualTo(expectedValue(number, format));
    assertThat(parsed.scheme())
        .as(number)
        .isEqualTo(SCHEME_BY_FORMAT_ID.get(format.path("id").asText()));
    assertThat(TrackingNumber.normalize(number)).as(number).isEqualTo(parsed.value());
  }

  @ParameterizedTest(name = "{0} ({1})")
  @MethodSource("invalidPostalNumbers")
  void invalidPostalNumbersAreRefused(String number, String formatName) {
    InvalidTrackingNumberException e =
        catchThrowableOfType(
            InvalidTrackingNumberException.class, () -> TrackingNumber.parse(number));

    assertThat(e).as("%s should be refused", number).isNotNull();
    assertThat(e.detail()).as(number).isNotBlank();
  }

  @ParameterizedTest(name = "{0} ({1})")
  @MethodSource("validOtherCarrierNumbers")
  void validOtherCarrierNumbersAreReferredToTheirCarrier(
      String number, String formatName, OtherCarrier carrier) {
    InvalidTrackingNumberException e =
        catchThrowableOfType(
            InvalidTrackingNumberException.class, () -> TrackingNumber.parse(number));

    assertThat(OtherCarrier.detect(TrackingNumber.normalize(number))).as(number).contains(carrier);
    assertThat(e).as("%s should be refused", number).isNotNull();
    assertThat(e.detail())
        .as(number)
        .contains("looks like a " + carrier.displayName() + " tracking number")
        .endsWith("please track it with " + carrier.displayName() + ".");
  }

  @ParameterizedTest(name = "{0} ({1})")
  @MethodSource("invalidOtherCarrierNumbers")
  void invalidOtherCarrierNumbersAreNotClaimedByThatCarrier(
      String number, String formatName, OtherCarrier carrier) {
    Optional<OtherCarrier> detected = OtherCarrier.detect(TrackingNumber.normalize(number));

    assertThat(detected).as(number).isNotEqualTo(Optional.of(carrier));
  }

  @Test
  void upuCountryListMatchesTheS10CourierLookup() {
    Set<String> inData =
        elements(formats("s10").findFirst().orElseThrow().path("additional"))
            .filter(additional -> additional.path("name").asText().equals("Courier"))
            .flatMap(additional -> elements(additional.path("lookup")))
            .map(entry -> entry.path("matches").asText())
            .collect(Collectors.toSet());
    String resource = read("/org/waypost/tracking/upu-countries.txt");

    assertThat(resource).startsWith("#").contains("jkeen/tracking_number_data", "MIT");
    assertThat(resource.lines().filter(line -> !line.startsWith("#")))
        .containsExactlyInAnyOrderElementsOf(inData);
  }

  static Stream<Arguments> validPostalNumbers() {
    return formats("usps", "s10").flatMap(format -> testNumbers(format, "valid", format));
  }

  static Stream<Arguments> invalidPostalNumbers() {
    return formats("usps", "s10").flatMap(format -> testNumbers(format, "invalid"));
  }

  /**
   * Every valid DHL test number is claimed by DHL: none collides with another carrier's format,
   * since DHL Express (10 or 11 digits) and DHL eCommerce (14 digits) have lengths no USPS, UPS or
   * FedEx format has, and the lettered forms (piece ID "J..", eCommerce "GM..") match no other
   * format either. The one overlap OtherCarrier guards against is not in the data: an S10-shaped
   * number such as LX123456785CN also fits DHL eCommerce's pattern and is left to S10.
   */
  static Stream<Arguments> validOtherCarrierNumbers() {
    return otherCarrierNumbers("valid");
  }

  static Stream<Arguments> invalidOtherCarrierNumbers() {
    return otherCarrierNumbers("invalid");
  }

  private static Stream<Arguments> otherCarrierNumbers(String validity) {
    Map<String, OtherCarrier> carriers =
        Map.of("ups", OtherCarrier.UPS, "fedex", OtherCarrier.FEDEX, "dhl", OtherCarrier.DHL);
    return carriers.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .flatMap(
            carrier ->
                formats(carrier.getKey())
                    .flatMap(format -> testNumbers(format, validity, carrier.getValue())));
  }

  private static TrackingNumber parseOrFail(String number) {
    try {
      return TrackingNumber.parse(number);
    } catch (InvalidTrackingNumberException e) {
      return fail("%s was refused: %s", number, e.detail());
    }
  }

  /** The number a valid test number should normalize to, read with the format's own regex. */
  private static String expectedValue(String number, JsonNode format) {
    if (format.path("id").asText().equals("s10")) {
      return number.replaceAll("\\s", "");
    }
    Matcher matcher = Pattern.compile(regex(format)).matcher(number);
    assertThat(matcher.matches()).as("the data's own regex matches %s", number).isTrue();
    return (matcher.group("SerialNumber") + matcher.group("CheckDigit")).replaceAll("\\s", "");
  }

  private static String regex(JsonNode format) {
    JsonNode regex = format.path("regex");
    return regex.isArray()
        ? elements(regex).map(JsonNode::asText).collect(Collectors.joining())
        : regex.asText();
  }

  /** Arguments (number, format name, extras...) for each test number of one validity. */
  private static Stream<Arguments> testNumbers(JsonNode format, String validity, Object... extras) {
    String name = format.path("name").asText();
    return elements(format.path("test_numbers").path(validity))
        .map(JsonNode::asText)
        .map(
            number ->
                Arguments.of(Stream.concat(Stream.of(number, name), Stream.of(extras)).toArray()));
  }

  private static Stream<JsonNode> formats(String... couriers) {
    return Stream.of(couriers)
        .map(courier -> readJson(DATA + courier + ".json"))
        .flatMap(courier -> elements(courier.path("tracking_numbers")));
  }

  private static Stream<JsonNode> elements(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false);
  }

  private static JsonNode readJson(String resource) {
    try {
      return JSON.readTree(read(resource));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(String resource) {
    try (InputStream in = CourierTestNumbersTest.class.getResourceAsStream(resource)) {
      assertThat(in).as("classpath resource %s", resource).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
