package org.waypost.shipper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.json.Json;
import org.waypost.tracking.EventIngestion.Invalid;
import org.waypost.tracking.EventIngestion.Item;
import org.waypost.tracking.EventIngestion.Valid;
import org.waypost.tracking.EventType;
import org.waypost.tracking.Location;
import org.waypost.tracking.ScanEvent;

/**
 * How a shipper's batch of scans is read: each event on its own, so that one bad scan is rejected
 * with its index and a reason naming the field while its neighbours are stored.
 */
class EventReaderTest {
  /** Valid IMpb numbers from the USPS test data of jkeen/tracking_number_data. */
  private static final String NUMBER = "9400111206206406260787";

  private static final String OTHER_NUMBER = "9405803699300124287899";
  private static final String WRONG_CHECK_DIGIT = "9434611206206407667131";
  private static final String TIME = "2026-11-28T14:03:00-08:00";
  private static final int MAX_EVENTS = 100;

  /** A well-formed scan: arrived at the Los Angeles facility. */
  private static ObjectNode event(String eventId) {
    ObjectNode event = Json.MAPPER.createObjectNode();
    event.put("eventId", eventId);
    event.put("trackingNumber", NUMBER);
    event.put("type", "ARRIVED");
    event.put("time", TIME);
    ObjectNode location = event.putObject("location");
    location.put("city", "Los Angeles");
    location.put("region", "CA");
    location.put("postalCode", "90052");
    location.put("country", "US");
    return event;
  }

  private static ObjectNode event(String eventId, Consumer<ObjectNode> change) {
    ObjectNode event = event(eventId);
    change.accept(event);
    return event;
  }

  private static InputStream body(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String array(JsonNode... events) {
    ArrayNode array = Json.MAPPER.createArrayNode();
    for (JsonNode event : events) {
      array.add(event);
    }
    return array.toString();
  }

  private static List<Item> readArray(JsonNode... events) {
    return new EventReader(MAX_EVENTS).readJsonArray(body(array(events)));
  }

  private static List<Item> readNdjson(String text) {
    return new EventReader(MAX_EVENTS).readNdjson(body(text));
  }

  private static List<Item> readCsv(String text) {
    return readCsv(text.getBytes(StandardCharsets.UTF_8));
  }

  private static List<Item> readCsv(byte[] bytes) {
    List<Item> items = new ArrayList<>();
    try {
      EventReader.forEachCsv(new ByteArrayInputStream(bytes), (item, line) -> items.add(item));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return items;
  }

  private static ScanEvent validAt(List<Item> items, int index) {
    assertThat(items.get(index)).as("item %d", index).isInstanceOf(Valid.class);
    assertThat(items.get(index).index()).isEqualTo(index);
    return ((Valid) items.get(index)).event();
  }

  private static Invalid invalidAt(List<Item> items, int index) {
    assertThat(items.get(index)).as("item %d", index).isInstanceOf(Invalid.class);
    assertThat(items.get(index).index()).isEqualTo(index);
    return (Invalid) items.get(index);
  }

  /** Text and raw bytes, joined: for bodies that are not UTF-8. */
  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      out.writeBytes(
          part instanceof byte[] raw ? raw : part.toString().getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  private static byte[] raw(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static List<Item> readArrayBody(String text) {
    return new EventReader(MAX_EVENTS).readJsonArray(body(text));
  }

  /** An event whose eventId is {@code levels - 1} nested arrays: {@code levels} levels in all. */
  private static String nestedEvent(int levels) {
    return "{\"eventId\":" + "[".repeat(levels - 1) + "]".repeat(levels - 1) + "}";
  }

  private static ProblemException refusal(ThrowingCallable call) {
    ProblemException e = catchThrowableOfType(ProblemException.class, call);
    assertThat(e).as("a ProblemException").isNotNull();
    return e;
  }

  @Nested
  class JsonArray {
    @Test
    void readsValidEventsInOrder() {
      List<Item> items =
          readArray(
              event("e1"),
              event("e2", e -> e.put("trackingNumber", OTHER_NUMBER)),
              event("e3", e -> e.put("type", "OUT_FOR_DELIVERY")));

      assertThat(items).hasSize(3);
      assertThat(validAt(items, 0).eventId()).isEqualTo("e1");
      assertThat(validAt(items, 1).trackingNumber().value()).isEqualTo(OTHER_NUMBER);
      assertThat(validAt(items, 2).type()).isEqualTo(EventType.OUT_FOR_DELIVERY);
    }

    @Test
    void readsEveryFieldOfAScan() {
      ScanEvent scan =
          validAt(readArray(event("e1", e -> e.put("description", "Arrived at LA hub"))), 0);

      assertThat(scan.eventId()).isEqualTo("e1");
      assertThat(scan.trackingNumber().value()).isEqualTo(NUMBER);
      assertThat(scan.type()).isEqualTo(EventType.ARRIVED);
      assertThat(scan.time()).isEqualTo(OffsetDateTime.parse(TIME));
      assertThat(scan.time().getOffset().getTotalSeconds()).isEqualTo(-8 * 3600);
      assertThat(scan.location()).isEqualTo(new Location("LOS ANGELES", "CA", "90052", "US"));
      assertThat(scan.description()).isEqualTo("Arrived at LA hub");
    }

    @Test
    void givesAScanWithoutDescriptionItsTypeWording() {
      ScanEvent scan = validAt(readArray(event("e1")), 0);

      assertThat(scan.description()).isEqualTo(EventType.ARRIVED.defaultDescription());
    }

    @Test
    void normalizesTheTrackingNumber() {
      ScanEvent scan =
          validAt(
              readArray(
                  event(
                      "e1", e -> e.put("trackingNumber", "420 22153 9400 1112 0620 6406 2607 87"))),
              0);

      assertThat(scan.trackingNumber().value()).isEqualTo(NUMBER);
    }

    @Test
    void acceptsAnEventIdOfTheLongestLength() {
      String longest = "e".repeat(128);

      assertThat(validAt(readArray(event(longest)), 0).eventId()).isEqualTo(longest);
    }

    @Test
    void readsAnEmptyArrayAsNoEvents() {
      assertThat(new EventReader(MAX_EVENTS).readJsonArray(body(" [ ] "))).isEmpty();
    }

    static Stream<Arguments> badEvents() {
      return Stream.of(
          Arguments.of("unknown field", change(e -> e.put("colour", "red")), "colour"),
          Arguments.of("street address", change(e -> loc(e).put("street", "1 Main St")), "street"),
          Arguments.of("missing event id", change(e -> e.remove("eventId")), "eventId"),
          Arguments.of("event id not a string", change(e -> e.put("eventId", 42)), "eventId"),
          Arguments.of("time not a string", change(e -> e.put("time", 1764367380)), "time"),
          Arguments.of("unknown type", change(e -> e.put("type", "TELEPORTED")), "type"),
          Arguments.of("lower-case type", change(e -> e.put("type", "arrived")), "type"),
          Arguments.of(
              "time without offset", change(e -> e.put("time", "2026-11-28T14:03:00")), "time"),
          Arguments.of("time as a date", change(e -> e.put("time", "2026-11-28")), "time"),
          Arguments.of(
              "event id over 128 characters",
              change(e -> e.put("eventId", "e".repeat(129))),
              "eventId"),
          Arguments.of(
              "control character in description",
              change(e -> e.put("description", "Arrived\u0007 at facility")),
              "description"),
          Arguments.of(
              "control character in event id",
              change(e -> e.put("eventId", "e\u00001")),
              "eventId"),
          Arguments.of(
              "country of three letters", change(e -> loc(e).put("country", "USA")), "country"),
          Arguments.of(
              "ZIP code not a ZIP code",
              change(e -> loc(e).put("postalCode", "ABCDE")),
              "postalCode"));
    }

    private static Consumer<ObjectNode> change(Consumer<ObjectNode> change) {
      return change;
    }

    private static ObjectNode loc(ObjectNode event) {
      return (ObjectNode) event.get("location");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEvents")
    void rejectsABadEventAtItsIndexAndKeepsTheOthers(
        String what, Consumer<ObjectNode> change, String field) {
      List<Item> items = readArray(event("e1"), event("e2", change), event("e3"));

      assertThat(items).hasSize(3);
      validAt(items, 0);
      Invalid bad = invalidAt(items, 1);
      validAt(items, 2);
      assertThat(bad.type()).isEqualTo(ProblemType.VALIDATION_FAILED);
      assertThat(bad.detail()).contains(field);
    }

    @Test
    void rejectsANumberFailingItsCheckDigitAsAnInvalidTrackingNumber() {
      List<Item> items =
          readArray(
              event("e1"),
              event("e2", e -> e.put("trackingNumber", WRONG_CHECK_DIGIT)),
              event("e3"));

      validAt(items, 0);
      Invalid bad = invalidAt(items, 1);
      validAt(items, 2);
      assertThat(bad.type()).isEqualTo(ProblemType.INVALID_TRACKING_NUMBER);
      assertThat(bad.detail()).contains("check digit");
    }

    @Test
    void rejectsAnEntryThatIsNotAnObject() {
      List<Item> items =
          new EventReader(MAX_EVENTS)
              .readJsonArray(body("[" + event("e1") + ", \"e2\", [], " + event("e3") + "]"));

      assertThat(items).hasSize(4);
      validAt(items, 0);
      invalidAt(items, 1);
      invalidAt(items, 2);
      validAt(items, 3);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "[{\"eventId\": }]",
          "[{\"eventId\": \"e1\"",
          "[{\"eventId\": \"e1\"},",
          "[{'eventId': 'e1'}]",
          "[{\"eventId\": \"e1\"}}"
        })
    void refusesMalformedJsonAsAWhole(String text) {
      ProblemException e = refusal(() -> new EventReader(MAX_EVENTS).readJsonArray(body(text)));

      assertThat(e.type()).isEqualTo(ProblemType.VALIDATION_FAILED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "{\"eventId\": \"e1\"}", "\"e1\"", "42", "null"})
    void refusesABodyThatIsNotAnArray(String text) {
      ProblemException e = refusal(() -> new EventReader(MAX_EVENTS).readJsonArray(body(text)));

      assertThat(e.type()).isEqualTo(ProblemType.VALIDATION_FAILED);
    }

    @ParameterizedTest
    @ValueSource(strings = {" x", " []", " {}", ",", " \"more\""})
    void refusesContentAfterTheArray(String trailing) {
      String text = array(event("e1")) + trailing;

      ProblemException e = refusal(() -> new EventReader(MAX_EVENTS).readJsonArray(body(text)));

      assertThat(e.type()).isEqualTo(ProblemType.VALIDATION_FAILED);
    }

    @Test
    void acceptsAsManyEventsAsAllowed() {
      List<Item> items = new EventReader(2).readJsonArray(body(array(event("e1"), event("e2"))));

      assertThat(items).hasSize(2).allSatisfy(item -> assertThat(item).isInstanceOf(Valid.class));
    }

    @Test
    void refusesMoreEventsThanAllowed() {
      String text = array(event("e1"), event("e2"), event("e3"));

      ProblemException e = refusal(() -> new EventReader(2).readJsonArray(body(text)));

      assertThat(e.type()).isEqualTo(ProblemType.PAYLOAD_TOO_LARGE);
      assertThat(e.detail()).contains("2");
    }
  }

  /** What one element of an array holds rejects that element only, at its index. */
  @Nested
  class OneElementOnly {
    private List<Item> between(String bad) {
      List<Item> items = readArrayBody("[" + event("e1") + "," + bad + "," + event("e3") + "]");
      assertThat(items).hasSize(3);
      assertThat(validAt(items, 0).eventId()).isEqualTo("e1");
      assertThat(validAt(items, 2).eventId()).isEqualTo("e3");
      return items;
    }

    private List<Item> between(JsonNode bad) {
      return between(bad.toString());
    }

    private List<Item> between(byte[] bad) {
      List<Item> items =
          new EventReader(MAX_EVENTS)
              .readJsonArray(
                  new ByteArrayInputStream(
                      bytes("[", event("e1"), ",", bad, ",", event("e3"), "]")));
      assertThat(items).hasSize(3);
      validAt(items, 0);
      validAt(items, 2);
      return items;
    }

    @ParameterizedTest
    @ValueSource(ints = {33, 1001, 5000, 200_000})
    void anElementNestedTooDeepIsRejected(int levels) {
      Invalid bad = invalidAt(between(nestedEvent(levels)), 1);

      assertThat(bad.type()).isEqualTo(ProblemType.VALIDATION_FAILED);
      assertThat(bad.detail()).isEqualTo("the event is nested more than 32 levels deep");
    }

    @Test
    void thirtyTwoLevelsAreNotTooDeep() {
      assertThat(invalidAt(between(nestedEvent(32)), 1).detail())
          .isEqualTo("eventId must be a string");
    }

    @Test
    void bracketsAndQuotesInsideStringsOfADeepElementDoNotCount() {
      String deep =
          "{\"eventId\":"
              + "[".repeat(40)
              + "\"]]]}}\\\"[[\", \"{\""
              + "]".repeat(40)
              + ", \"x\": \"]\"}";

      assertThat(invalidAt(between(deep), 1).detail()).contains("32 levels");
    }

    @Test
    void aDeepElementThatIsNeverClosedMakesTheBodyMalformed() {
      String text = "[" + event("e1") + "," + "[".repeat(100_000);

      ProblemException e = refusal(() -> readArrayBody(text));

      assertThat(e.type()).isEqualTo(ProblemType.VALIDATION_FAILED);
      assertThat(e.detail()).startsWith("the body is not valid JSON (line 1, column ");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "1001 digits",
          "-1.5 and 2000 digits",
          "exponent of 500 digits",
          "zeros then an exponent"
        })
    void anOverlongNumberIsRejected(String what) {
      String number =
          switch (what) {
            case "1001 digits" -> "9".repeat(1001);
            case "-1.5 and 2000 digits" -> "-1.5" + "5".repeat(2000);
            case "exponent of 500 digits" -> "1e" + "9".repeat(500);
            default -> "0." + "0".repeat(200) + "e-5";
          };

      Invalid bad = invalidAt(between("{\"eventId\": " + number + "}"), 1);

      assertThat(bad.detail()).isEqualTo("the event holds a number of more than 100 characters");
    }

    @Test
    void anOverlongNumberAsTheWholeElementIsRejected() {
      assertThat(invalidAt(between("1" + "0".repeat(5000)), 1).detail()).contains("number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "\\\"", "\\u00e9", "é", "😀"})
    void anOverlongStringIsRejectedWhereverTheCutFalls(String unit) {
      String longText = unit.repeat(5000 / unit.length());

      Invalid inValue = invalidAt(between(event("e2", e -> e.put("description", longText))), 1);
      Invalid inName = invalidAt(between("{\"" + longText + "\": 1}"), 1);

      assertThat(inValue.detail()).isEqualTo("the event holds a string of more than 4096 bytes");
      assertThat(inName.detail()).isEqualTo(inValue.detail());
    }

    @Test
    void aStringJustUnderTheLimitIsReadAsIs() {
      String text = "x".repeat(4096);

      assertThat(invalidAt(between(event("e2", e -> e.put("eventId", text))), 1).detail())
          .isEqualTo("eventId must be at most 128 characters");
    }

    static Stream<Arguments> notUtf8() {
      return Stream.of(
          Arguments.of("a stray continuation byte", raw(0x80)),
          Arguments.of("an overlong NUL", raw(0xC0, 0x80)),
          Arguments.of("an overlong slash", raw(0xE0, 0x80, 0xAF)),
          Arguments.of("a surrogate", raw(0xED, 0xA0, 0x80)),
          Arguments.of("beyond U+10FFFF", raw(0xF4, 0x90, 0x80, 0x80)),
          Arguments.of("not a lead byte", raw(0xF5, 0x80, 0x80, 0x80)),
          Arguments.of("a sequence cut short", raw(0xE2, 0x82)),
          Arguments.of("0xFF", raw(0xFF)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notUtf8")
    void textThatIsNotUtf8InAStringIsRejected(String what, byte[] bad) {
      String[] halves = event("e2").toString().split("Los Angeles");

      Invalid invalid = invalidAt(between(bytes(halves[0], "Los", bad, "Angeles", halves[1])), 1);

      assertThat(invalid.detail()).isEqualTo("the event holds text that is not valid UTF-8");
    }

    @Test
    void textThatIsUtf8IsReadAsSent() {
      String text = "Zürich – 東京 😀";

      assertThat(validAt(between(event("e2", e -> e.put("description", text))), 1).description())
          .isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "0000-01-01T00:00:00Z",
          "-999999999-01-01T00:00:00Z",
          "+999999999-12-31T23:59:59-18:00",
          "-0001-06-01T00:00:00Z",
          "1969-12-31T23:59:59Z",
          "+10000-01-01T00:00:00Z"
        })
    void aTimeOutsideTheYearsOfScansIsRejected(String time) {
      Invalid bad = invalidAt(between(event("e2", e -> e.put("time", time))), 1);

      assertThat(bad.type()).isEqualTo(ProblemType.VALIDATION_FAILED);
      assertThat(bad.detail())
          .isEqualTo(
              "time must be an ISO-8601 date-time with an offset, in a year from 1970 to 9999,"
                  + " such as 2026-11-28T14:03:00-08:00");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-28T14:03:00+18:30", "2026-11-28T14:03:00-19:00"})
    void anOffsetOutOfRangeIsRejected(String time) {
      assertThat(invalidAt(between(event("e2", e -> e.put("time", time))), 1).detail())
          .startsWith("time must be");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999-18:00"})
    void theFirstAndLastYearsAreAccepted(String time) {
      assertThat(validAt(between(event("e2", e -> e.put("time", time))), 1).time())
          .isEqualTo(OffsetDateTime.parse(time));
    }

    @ParameterizedTest
    @ValueSource(strings = {"e\\uD800", "\\uDC00e", "e\\uDBFF\\uDBFF"})
    void halfASurrogatePairIsRejected(String eventId) {
      String text = event("e2").toString().replace("\"e2\"", "\"" + eventId + "\"");

      assertThat(invalidAt(between(text), 1).detail())
          .isEqualTo(
              "the event holds an escape of half a surrogate pair (\\uD800 to \\uDFFF) without"
                  + " the other");
    }

    /** Jackson refuses these in a field name as broken syntax, failing the whole body. */
    @Test
    void halfASurrogatePairInAFieldNameIsRejected() {
      assertThat(invalidAt(between("{\"\\uDC00\": 1, \"x\\uD800\\u0041\": 2}"), 1).detail())
          .startsWith("the event holds an escape of half a surrogate pair");
    }

    @Test
    void aWholeSurrogatePairIsText() {
      String text = event("e2").toString().replace("\"e2\"", "\"e\\uD83D\\uDE00\"");

      assertThat(validAt(between(text), 1).eventId()).isEqualTo("e😀");
    }

    @Test
    void anUnknownFieldIsNamedOnlyIfItsNameIsAName() {
      Invalid number = invalidAt(between(event("e2", e -> e.put(NUMBER, "x"))), 1);
      Invalid word = invalidAt(between(event("e2", e -> e.put("colour", "x"))), 1);

      assertThat(number.detail()).startsWith("unknown field").doesNotContain(NUMBER);
      assertThat(word.detail()).isEqualTo("unknown field 'colour'");
    }

    static Stream<Arguments> nullFields() {
      return Stream.of(
          Arguments.of("eventId", "eventId is required"),
          Arguments.of("trackingNumber", "trackingNumber is required"),
          Arguments.of("type", "type is required"),
          Arguments.of("time", "time is required"),
          Arguments.of("location", null),
          Arguments.of("description", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nullFields")
    void aNullFieldIsRejectedIfTheFieldIsRequired(String field, String detail) {
      List<Item> items = between(event("e2", e -> e.putNull(field)).toString());

      if (detail == null) {
        validAt(items, 1);
      } else {
        assertThat(invalidAt(items, 1).detail()).isEqualTo(detail);
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "{}", "[]", "\"e2\"", "true", "-0.0e-0", "[null]"})
    void anElementThatIsNotAnEventIsRejected(String element) {
      invalidAt(between(element), 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"Los Angeles\"", "[]", "42", "{\"city\": null}"})
    void aLocationThatIsNotOneIsRejected(String location) {
      String text = event("e2").toString().replaceFirst("\\{\"city\"[^}]*}", location);

      assertThat(invalidAt(between(text), 1).detail()).contains("location");
    }

    @Test
    void aBodyWithBrokenSyntaxIsRefusedNamingWhere() {
      String text = "[\n" + event("e1") + ",\n  {\"eventId\": }\n]";

      ProblemException e = refusal(() -> readArrayBody(text));

      assertThat(e.detail()).isEqualTo("the body is not valid JSON (line 3, column 15)");
    }

    @Test
    void aSyntaxErrorAfterARejectedElementIsNamedWhereItIsInTheBody() {
      String text = "[" + nestedEvent(50) + ", " + "9".repeat(300) + ", \"" + "x".repeat(9000);
      String broken = text + "\", {\"eventId\": }]";

      ProblemException e = refusal(() -> readArrayBody(broken));

      int column = broken.indexOf(": }") + 3; // the brace, counted from 1
      assertThat(e.detail())
          .isEqualTo("the body is not valid JSON (line 1, column " + column + ")");
    }

    @Test
    void bytesThatAreNotUtf8OutsideAStringAreBrokenSyntax() {
      ProblemException e =
          refusal(
              () ->
                  new EventReader(MAX_EVENTS)
                      .readJsonArray(
                          new ByteArrayInputStream(bytes("[", event("e1"), ",", raw(0xFF), "]"))));

      assertThat(e.type()).isEqualTo(ProblemType.VALIDATION_FAILED);
      assertThat(e.detail()).startsWith("the body is not valid JSON (line 1, column ");
    }

    @Test
    void aRawControlCharacterInAStringIsBrokenSyntax() {
      String text = "[" + event("e1") + "," + event("e\t2") + "]";

      ProblemException e = refusal(() -> readArrayBody(text.replace("\\t", "\t")));

      assertThat(e.detail()).startsWith("the body is not valid JSON (line 1, column ");
    }

    @Test
    void aByteOrderMarkBeforeTheArrayIsSkipped() {
      List<Item> items =
          new EventReader(MAX_EVENTS)
              .readJsonArray(
                  new ByteArrayInputStream(bytes(raw(0xEF, 0xBB, 0xBF), "[", event("e1"), "]")));

      assertThat(validAt(items, 0).eventId()).isEqualTo("e1");
    }
  }

  @Nested
  class Ndjson {
    @Test
    void readsOneEventPerLine() {
      List<Item> items = readNdjson(event("e1") + "\n" + event("e2") + "\r\n" + event("e3"));

      assertThat(items).hasSize(3);
      assertThat(validAt(items, 0).eventId()).isEqualTo("e1");
      assertThat(validAt(items, 1).eventId()).isEqualTo("e2");
      assertThat(validAt(items, 2).eventId()).isEqualTo("e3");
    }

    @Test
    void skipsBlankLines() {
      List<Item> items = readNdjson("\n" + event("e1") + "\n\n   \n\t\n" + event("e2") + "\n\n");

      assertThat(items).hasSize(2);
      assertThat(validAt(items, 0).eventId()).isEqualTo("e1");
      assertThat(validAt(items, 1).eventId()).isEqualTo("e2");
    }

    @Test
    void rejectsAMalformedLineAndReadsOn() {
      List<Item> items = readNdjson(event("e1") + "\n{\"eventId\": \"e2\",\n" + event("e3") + "\n");

      assertThat(items).hasSize(3);
      validAt(items, 0);
      assertThat(invalidAt(items, 1).type()).isEqualTo(ProblemType.VALIDATION_FAILED);
      assertThat(validAt(items, 2).eventId()).isEqualTo("e3");
    }

    /**
     * Found by EventFuzzTest: Jackson took these bytes for UTF-32 and threw, and the POST a 500.
     */
    @Test
    void rejectsALineWhoseBytesJacksonCannotDecodeAndReadsOn() {
      List<Item> items = readNdjson("\0\0\3\0\n" + event("e2") + "\n");

      assertThat(items).hasSize(2);
      assertThat(invalidAt(items, 0).detail()).isEqualTo("this line is not valid JSON");
      assertThat(validAt(items, 1).eventId()).isEqualTo("e2");
    }

    @Test
    void rejectsALineWithTwoJsonValues() {
      List<Item> items = readNdjson(event("e1") + " " + event("e2") + "\n" + event("e3") + "\n");

      assertThat(items).hasSize(2);
      assertThat(invalidAt(items, 0).type()).isEqualTo(ProblemType.VALIDATION_FAILED);
      assertThat(validAt(items, 1).eventId()).isEqualTo("e3");
    }

    @Test
    void rejectsALineThatIsNotAnObject() {
      List<Item> items = readNdjson("[" + event("e1") + "]\n42\n" + event("e3"));

      invalidAt(items, 0);
      invalidAt(items, 1);
      validAt(items, 2);
    }

    @Test
    void rejectsABadEventOnItsOwn() {
      List<Item> items =
          readNdjson(
              event("e1")
                  + "\n"
                  + event("e2", e -> e.put("time", "2026-11-28T14:03:00"))
                  + "\n"
                  + event("e3", e -> e.put("trackingNumber", WRONG_CHECK_DIGIT))
                  + "\n"
                  + event("e4"));

      validAt(items, 0);
      assertThat(invalidAt(items, 1).detail()).contains("time");
      assertThat(invalidAt(items, 2).type()).isEqualTo(ProblemType.INVALID_TRACKING_NUMBER);
      validAt(items, 3);
    }

    @Test
    void refusesMoreEventsThanAllowed() {
      String text = event("e1") + "\n\n" + event("e2") + "\n" + event("e3") + "\n";

      ProblemException e = refusal(() -> new EventReader(2).readNdjson(body(text)));

      assertThat(e.type()).isEqualTo(ProblemType.PAYLOAD_TOO_LARGE);
    }

    private List<Item> readNdjsonBytes(byte[] bytes) {
      return new EventReader(MAX_EVENTS).readNdjson(new ByteArrayInputStream(bytes));
    }

    @Test
    void rejectsALineThatIsNotUtf8AndReadsOn() {
      String[] halves = event("e2").toString().split("Los Angeles");
      List<Item> items =
          readNdjsonBytes(
              bytes(
                  event("e1"),
                  "\n",
                  halves[0],
                  raw(0xC3, 0x28),
                  halves[1],
                  "\n",
                  raw(0xFF, 0xFE),
                  "\n",
                  event("e4")));

      assertThat(items).hasSize(4);
      validAt(items, 0);
      assertThat(invalidAt(items, 1).detail())
          .isEqualTo("the event holds text that is not valid UTF-8");
      assertThat(invalidAt(items, 2).detail()).startsWith("this line is not valid JSON");
      validAt(items, 3);
    }

    @Test
    void rejectsWhatIsOverTheLimitsOnItsLineOnly() {
      List<Item> items =
          readNdjson(
              event("e1")
                  + "\n"
                  + nestedEvent(40_000)
                  + "\n{\"eventId\": "
                  + "1".repeat(1001)
                  + "}\n"
                  + event("e4", e -> e.put("time", "-999999999-01-01T00:00:00Z"))
                  + "\n"
                  + event("e5"));

      validAt(items, 0);
      assertThat(invalidAt(items, 1).detail()).contains("32 levels");
      assertThat(invalidAt(items, 2).detail()).contains("number of more than 100");
      assertThat(invalidAt(items, 3).detail()).startsWith("time must be");
      validAt(items, 4);
    }

    @Test
    void rejectsALineLongerThanTheLimitWithoutReadingItAsJson() {
      String padded = event("e2").toString().replace("{", "{" + " ".repeat(Lines.MAX_BYTES));

      List<Item> items = readNdjson(event("e1") + "\n" + padded + "\n" + event("e3"));

      validAt(items, 0);
      assertThat(invalidAt(items, 1).detail()).isEqualTo("the line is longer than 1048576 bytes");
      assertThat(validAt(items, 2).eventId()).isEqualTo("e3");
    }

    @Test
    void skipsAByteOrderMarkAtTheStart() {
      List<Item> items = readNdjsonBytes(bytes(raw(0xEF, 0xBB, 0xBF), event("e1"), "\n"));

      assertThat(validAt(items, 0).eventId()).isEqualTo("e1");
    }

    @Test
    void rejectsANulOutsideOrInsideAString() {
      List<Item> items =
          readNdjson(
              event("e1")
                  + "\u0000\n"
                  + event("e2").toString().replace("e2", "e\u00002")
                  + "\n"
                  + event("e\u00003"));

      assertThat(invalidAt(items, 0).detail()).startsWith("this line is not valid JSON");
      assertThat(invalidAt(items, 1).detail()).startsWith("this line is not valid JSON");
      assertThat(invalidAt(items, 2).detail()).contains("eventId");
    }

    @Test
    void tellsTheLineOfEachEventCountingBlankLines() throws IOException {
      List<Long> lines = new ArrayList<>();
      List<Integer> indexes = new ArrayList<>();

      new EventReader(0)
          .forEachNdjson(
              body("\n" + event("e1") + "\r\n\n  \n{broken\n" + event("e3")),
              (item, line) -> {
                indexes.add(item.index());
                lines.add(line);
              });

      assertThat(indexes).containsExactly(0, 1, 2);
      assertThat(lines).containsExactly(2L, 5L, 6L);
    }
  }

  @Nested
  class Csv {
    private static final String HEADER =
        "eventId,trackingNumber,type,time,city,region,postalCode,country,description\n";

    @Test
    void readsARowPerEvent() {
      List<Item> items =
          readCsv(
              HEADER
                  + "e1,"
                  + NUMBER
                  + ",ARRIVED,"
                  + TIME
                  + ",Los Angeles,CA,90052,US,Arrived at LA hub\n"
                  + "e2,"
                  + OTHER_NUMBER
                  + ",DEPARTED,2026-11-28T20:00:00-08:00,Los Angeles,CA,90052,US,\n");

      assertThat(items).hasSize(2);
      ScanEvent first = validAt(items, 0);
      assertThat(first.eventId()).isEqualTo("e1");
      assertThat(first.trackingNumber().value()).isEqualTo(NUMBER);
      assertThat(first.type()).isEqualTo(EventType.ARRIVED);
      assertThat(first.time()).isEqualTo(OffsetDateTime.parse(TIME));
      assertThat(first.location()).isEqualTo(new Location("LOS ANGELES", "CA", "90052", "US"));
      assertThat(first.description()).isEqualTo("Arrived at LA hub");
      assertThat(validAt(items, 1).type()).isEqualTo(EventType.DEPARTED);
    }

    @Test
    void treatsEmptyCellsAsAbsent() {
      List<Item> items =
          readCsv(
              HEADER
                  + "e1,"
                  + NUMBER
                  + ",PROCESSED,"
                  + TIME
                  + ",,,,,\n"
                  + "e2,"
                  + NUMBER
                  + ",ARRIVED,"
                  + TIME
                  + ",London,,,GB, \n");

      ScanEvent noPlace = validAt(items, 0);
      assertThat(noPlace.location()).isNull();
      assertThat(noPlace.description()).isEqualTo(EventType.PROCESSED.defaultDescription());
      ScanEvent london = validAt(items, 1);
      assertThat(london.location()).isEqualTo(new Location("LONDON", null, null, "GB"));
      assertThat(london.description()).isEqualTo(EventType.ARRIVED.defaultDescription());
    }

    @Test
    void readsColumnsByTheirHeaderNotTheirPosition() {
      List<Item> items =
          readCsv("time,type,trackingNumber,eventId\n" + TIME + ",ACCEPTED," + NUMBER + ",e1\n");

      ScanEvent scan = validAt(items, 0);
      assertThat(scan.eventId()).isEqualTo("e1");
      assertThat(scan.type()).isEqualTo(EventType.ACCEPTED);
    }

    @Test
    void rejectsABadRowOnItsOwn() {
      List<Item> items =
          readCsv(
              HEADER
                  + "e1,"
                  + NUMBER
                  + ",ARRIVED,"
                  + TIME
                  + ",,,,,\n"
                  + "e2,"
                  + NUMBER
                  + ",TELEPORTED,"
                  + TIME
                  + ",,,,,\n"
                  + "e3,"
                  + WRONG_CHECK_DIGIT
                  + ",ARRIVED,"
                  + TIME
                  + ",,,,,\n"
                  + "e4,"
                  + NUMBER
                  + ",ARRIVED,"
                  + TIME
                  + ",,,,,\n");

      assertThat(items).hasSize(4);
      validAt(items, 0);
      assertThat(invalidAt(items, 1).detail()).contains("type");
      assertThat(invalidAt(items, 2).type()).isEqualTo(ProblemType.INVALID_TRACKING_NUMBER);
      validAt(items, 3);
    }

    @Test
    void rejectsAnUnknownColumnOnEveryRow() {
      List<Item> items =
          readCsv(
              "eventId,trackingNumber,type,time,street\ne1,"
                  + NUMBER
                  + ",ARRIVED,"
                  + TIME
                  + ",1 Main St\n");

      assertThat(invalidAt(items, 0).detail()).contains("street");
    }

    /** EventReader promises that one bad event never spoils its neighbours. */
    @Test
    void rejectsARowWithAnExtraCellAndReadsOn() {
      List<Item> items =
          readCsv(
              HEADER
                  + "e1,"
                  + NUMBER
                  + ",ARRIVED,"
                  + TIME
                  + ",,,,,\n"
                  + "e2,"
                  + NUMBER
                  + ",ARRIVED,"
                  + TIME
                  + ",Los Angeles,CA,90052,US,Arrived,extra\n"
                  + "e3,"
                  + NUMBER
                  + ",ARRIVED,"
                  + TIME
                  + ",,,,,\n");

      assertThat(items).hasSize(3);
      validAt(items, 0);
      invalidAt(items, 1);
      validAt(items, 2);
    }

    /** A row for the standard header: e.g. {@code row("e1", ",,,,,")}. */
    private static String row(String eventId, String rest) {
      return eventId + "," + NUMBER + ",ARRIVED," + TIME + rest + "\n";
    }

    @Test
    void skipsAByteOrderMarkBeforeTheHeader() {
      List<Item> items =
          readCsv(bytes(raw(0xEF, 0xBB, 0xBF), HEADER, row("e1", ",,,,,"), row("e2", ",,,,,")));

      assertThat(validAt(items, 0).eventId()).isEqualTo("e1");
      assertThat(validAt(items, 1).eventId()).isEqualTo("e2");
    }

    @Test
    void anUnbalancedQuoteRejectsThatRowOnly() {
      List<Item> items =
          readCsv(
              HEADER
                  + row("e1", ",,,,,")
                  + row("e2", ",\"Los Angeles,CA,90052,US,Arrived")
                  + row("e3", ",,,,,\"Arrived, \"\"early\"\"\"")
                  + row("e4", ",,,,,"));

      assertThat(items).hasSize(4);
      validAt(items, 0);
      assertThat(invalidAt(items, 1).detail())
          .isEqualTo("field 5 opens a quote that is not closed on its line");
      assertThat(validAt(items, 2).description()).isEqualTo("Arrived, \"early\"");
      validAt(items, 3);
    }

    @Test
    void aQuoteMayOnlyEncloseAWholeField() {
      List<Item> items =
          readCsv(
              HEADER
                  + row("e1", ",\"Los\" Angeles,CA,90052,US,")
                  + row("e2", ",Los \"Angeles\",CA,90052,US,")
                  + row("e3", ",  \"Los Angeles\"  ,CA,90052,US,"));

      assertThat(invalidAt(items, 0).detail()).contains("field 5 has text after its closing quote");
      assertThat(invalidAt(items, 1).detail()).contains("field 5 holds a quote but is not quoted");
      assertThat(validAt(items, 2).location().city()).isEqualTo("LOS ANGELES");
    }

    @Test
    void aNulIsRejectedNotStripped() {
      List<Item> items =
          readCsv(
              HEADER
                  + row("e\u00001", ",,,,,")
                  + row("e2", ",,,,,\u0000")
                  + row("\u0000e3", ",,,,,")
                  + row("e4", ",,,,,"));

      assertThat(invalidAt(items, 0).detail()).isEqualTo("the line holds a NUL character");
      assertThat(invalidAt(items, 1).detail()).isEqualTo("the line holds a NUL character");
      assertThat(invalidAt(items, 2).detail()).isEqualTo("the line holds a NUL character");
      assertThat(validAt(items, 3).eventId()).isEqualTo("e4");
    }

    @Test
    void aRowThatIsNotUtf8IsRejectedAlone() {
      List<Item> items =
          readCsv(
              bytes(
                  HEADER,
                  row("e1", ",,,,,"),
                  "e2," + NUMBER + ",ARRIVED," + TIME + ",Z",
                  raw(0xFC),
                  "rich,,,CH,\n",
                  row("e3", ",Zürich,,,CH,")));

      validAt(items, 0);
      assertThat(invalidAt(items, 1).detail()).isEqualTo("the line is not valid UTF-8");
      assertThat(validAt(items, 2).location().city()).isEqualTo("ZÜRICH");
    }

    @Test
    void aRowWithTooFewFieldsIsRejected() {
      List<Item> items = readCsv(HEADER + row("e1", ",,,,") + row("e2", ",,,,,"));

      assertThat(invalidAt(items, 0).detail())
          .isEqualTo("the row has 8 fields where the header has 9");
      validAt(items, 1);
    }

    @Test
    void readsLinesEndingInCrLf() {
      List<Item> items = readCsv((HEADER + row("e1", ",,,,US,Done")).replace("\n", "\r\n"));

      assertThat(validAt(items, 0).description()).isEqualTo("Done");
    }

    @Test
    void tellsTheLineOfEachRowCountingTheHeader() throws IOException {
      List<Long> lines = new ArrayList<>();
      List<Integer> indexes = new ArrayList<>();

      EventReader.forEachCsv(
          body(HEADER + row("e1", ",,,,,") + "\n" + row("e2", ",\"") + row("e3", ",,,,,")),
          (item, line) -> {
            indexes.add(item.index());
            lines.add(line);
          });

      assertThat(indexes).containsExactly(0, 1, 2);
      assertThat(lines).containsExactly(2L, 4L, 5L);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "",
          "eventId,trackingNumber,type",
          "eventId,trackingNumber,type,time,city,city",
          "eventId,trackingNumber,type,\"time",
          "e1,9400111206206406260787,ARRIVED,2026-11-28T14:03:00-08:00,,,,,"
        })
    void refusesAFileWhoseHeaderItCannotRead(String header) {
      ProblemException e = refusal(() -> readCsv(header + "\n" + row("e1", ",,,,,")));

      assertThat(e.type()).isEqualTo(ProblemType.VALIDATION_FAILED);
      assertThat(e.detail()).startsWith("line 1 is not a CSV header: ").doesNotContain(NUMBER);
    }

    @Test
    void refusesAHeaderThatIsNotUtf8() {
      ProblemException e = refusal(() -> readCsv(bytes("eventId,", raw(0xFF), "\n")));

      assertThat(e.detail()).isEqualTo("line 1 is not a CSV header: the line is not valid UTF-8");
    }
  }
}
