package org.waypost.shipper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
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
    List<Item> items = new ArrayList<>();
    try {
      EventReader.forEachCsv(new StringReader(text), items::add);
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
  }
}
