package org.waypost.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
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
 * The acceptance test of TrackingNumber and OtherCarriers: the valid and invalid test numbers of
 * jkeen/tracking_number_data, copied under src/test/resources/tracking-number-data. The copy is
 * also the reference the bundled courier definitions are held to.
 */
class CourierTestNumbersTest {
  private static final String DATA = "/tracking-number-data/couriers/";
  private static final String BUNDLED = "/org/waypost/tracking/couriers/";
  private static final String COMMIT = "b79ce4bfc04519ef4bc85bf7c6f321795aadf3d3";
  private static final Set<String> POSTAL = Set.of("usps", "s10");
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
      String number, String formatName, String courier, String trackingUrl) {
    String normalized = TrackingNumber.normalize(number);
    // As typed, and as the API passes it on: normalized first.
    for (String input : List.of(number, normalized)) {
      InvalidTrackingNumberException e = refusalOrFail(input);

      assertThat(e.carriers())
          .as(input)
          .contains(
              new OtherCarrier(
                  courier, trackingUrl == null ? null : trackingUrl.replace("%s", normalized)));
      assertThat(e.detail())
          .as(input)
          .startsWith("This looks like ")
          .contains(courier + " tracking number", "please track it with ")
          .endsWith(courier + ".");
      assertThat(e.extensions()).as(input).containsEntry("carriers", e.carriers());
    }
  }

  /**
   * An invalid test number of a format is not valid in that format. It may be the same courier's
   * number in another format (Purolator's "331426749957" is an invalid alphanumeric number but a
   * valid numeric one); otherwise Waypost must not name the courier.
   */
  @ParameterizedTest(name = "{0} ({1})")
  @MethodSource("invalidOtherCarrierNumbers")
  void invalidOtherCarrierNumbersAreNotClaimedByThatFormat(
      String number, String formatName, String courier, JsonNode format, JsonNode siblings) {
    String normalized = TrackingNumber.normalize(number);

    assertThat(CourierFormat.of(format).matches(normalized)).as(number).isFalse();
    boolean validInAnotherFormat =
        elements(siblings).anyMatch(sibling -> CourierFormat.of(sibling).matches(normalized));
    if (!validInAnotherFormat) {
      assertThat(namedCarriers(number)).as(number).doesNotContain(courier);
    }
  }

  @Test
  void theBundledDefinitionsAreTheDatasetsOtherCouriersUnchanged() {
    Set<String> others =
        courierFiles().stream()
            .filter(file -> !POSTAL.contains(file))
            .collect(Collectors.toCollection(TreeSet::new));

    assertThat(OtherCarriers.FILES).containsExactlyElementsOf(others);
    for (String file : others) {
      assertThat(read(BUNDLED + file + ".json")).as(file).isEqualTo(read(DATA + file + ".json"));
    }
    assertThat(read(BUNDLED + "LICENSE"))
        .isEqualTo(read("/tracking-number-data/LICENSE"))
        .contains("MIT License", "Jeff Keen");
    assertThat(read(BUNDLED + "SOURCE")).contains("jkeen/tracking_number_data", COMMIT);
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

  static Stream<Arguments> validOtherCarrierNumbers() {
    return otherCarrierNumbers(
        "valid",
        (courier, format) ->
            new Object[] {courier.path("name").asText(), format.path("tracking_url").textValue()});
  }

  static Stream<Arguments> invalidOtherCarrierNumbers() {
    return otherCarrierNumbers(
        "invalid",
        (courier, format) ->
            new Object[] {courier.path("name").asText(), format, siblings(courier, format)});
  }

  /** Arguments (number, format name, extras...) for each test number of the other couriers. */
  private static Stream<Arguments> otherCarrierNumbers(
      String validity, BiFunction<JsonNode, JsonNode, Object[]> extras) {
    return otherCouriers()
        .flatMap(
            courier ->
                elements(courier.path("tracking_numbers"))
                    .flatMap(
                        format -> testNumbers(format, validity, extras.apply(courier, format))));
  }

  /** Every courier of the data but the postal ones, which Waypost tracks itself. */
  private static Stream<JsonNode> otherCouriers() {
    return courierFiles().stream()
        .filter(file -> !POSTAL.contains(file))
        .sorted()
        .map(file -> readJson(DATA + file + ".json"));
  }

  /** The courier's other formats than this one, as a JSON array. */
  private static JsonNode siblings(JsonNode courier, JsonNode format) {
    ArrayNode siblings = JSON.createArrayNode();
    elements(courier.path("tracking_numbers"))
        .filter(other -> other != format)
        .forEach(siblings::add);
    return siblings;
  }

  /** The names of the files under couriers/ in the test copy, without ".json". */
  private static List<String> courierFiles() {
    try (Stream<Path> files = Files.list(Path.of(resourceUri(DATA)))) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".json"))
          .map(name -> name.substring(0, name.length() - ".json".length()))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static URI resourceUri(String resource) {
    try {
      return CourierTestNumbersTest.class.getResource(resource).toURI();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> namedCarriers(String number) {
    InvalidTrackingNumberException e =
        catchThrowableOfType(
            InvalidTrackingNumberException.class, () -> TrackingNumber.parse(number));
    return e == null ? List.of() : e.carriers().stream().map(OtherCarrier::name).toList();
  }

  private static InvalidTrackingNumberException refusalOrFail(String number) {
    InvalidTrackingNumberException e =
        catchThrowableOfType(
            InvalidTrackingNumberException.class, () -> TrackingNumber.parse(number));
    assertThat(e).as("%s should be refused", number).isNotNull();
    return e;
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
