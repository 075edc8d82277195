package org.waypost.shipper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waypost.testing.Fixtures.eventJson;
import static org.waypost.testing.Fixtures.shipmentJson;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/**
 * No element of a batch can cost the others, over HTTP on both stores: a batch mixing valid scans
 * with the elements that used to fail it with a 500 (nesting past Jackson's limit, a 1,001-digit
 * number, years like -999999999) and other bad ones stores exactly its valid scans and answers 200
 * with the others rejected by index; only a body whose JSON syntax is broken is one 400, naming
 * where, and stores nothing.
 */
class MixedBatchApiTest {
  private static final String JSON = "application/json";
  private static final String NDJSON = "application/x-ndjson";

  @TempDir Path dir;

  /** The batch's elements, by index; those whose id starts with "ok-" are valid. */
  private static List<byte[]> mixedBatch(String number) {
    Instant start = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    List<byte[]> elements = new ArrayList<>();
    elements.add(utf8(eventJson("ok-0", number, "ACCEPTED", start.toString())));
    elements.add(utf8("{\"eventId\":" + "[".repeat(2000) + "]".repeat(2000) + "}"));
    elements.add(utf8(eventJson("ok-2", number, "DEPARTED", start.plusSeconds(600).toString())));
    elements.add(utf8("{\"eventId\":\"bad-3\",\"trackingNumber\":" + "9".repeat(1001) + "}"));
    elements.add(utf8(eventJson("bad-4", number, "ARRIVED", "-999999999-01-01T00:00:00Z")));
    elements.add(utf8(eventJson("bad-5", number, "ARRIVED", "0000-01-01T00:00:00Z")));
    elements.add(utf8(eventJson("bad-6", number, "ARRIVED", "+999999999-12-31T23:59:59Z")));
    elements.add(
        utf8(
            eventJson("ok-7", number, "ARRIVED", start.plusSeconds(1200).toString())
                .replaceFirst("\"location\":\\{[^}]*}", "\"location\":null")));
    elements.add(utf8("{\"eventId\":\"bad-8\",\"description\":\"" + "x".repeat(10_000) + "\"}"));
    String[] halves =
        eventJson("bad-9", number, "ARRIVED", start.plusSeconds(1500).toString())
            .split("MERRIFIELD");
    elements.add(join(utf8(halves[0] + "MERRI"), new byte[] {(byte) 0xC3, 0x28}, utf8(halves[1])));
    elements.add(utf8("{\"\\uD800\":1}"));
    elements.add(utf8("null"));
    elements.add(utf8(eventJson("ok-12", number, "PROCESSED", start.plusSeconds(1800).toString())));
    return elements;
  }

  private static final List<Integer> VALID = List.of(0, 2, 7, 12);
  private static final List<Integer> REJECTED = List.of(1, 3, 4, 5, 6, 8, 9, 10, 11);

  static Stream<Arguments> storesAndFormats() {
    return Stream.of(StoreKind.values())
        .flatMap(kind -> Stream.of(Arguments.of(kind, JSON), Arguments.of(kind, NDJSON)));
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("storesAndFormats")
  void aMixedBatchStoresExactlyItsValidEvents(StoreKind kind, String format) {
    try (TestApp server = TestApp.start(kind, dir)) {
      String key = server.shipperKey("Acme Parcels");
      String number = register(server, key);
      List<byte[]> elements = mixedBatch(number);
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.writeBytes(utf8(format.equals(JSON) ? "[\n" : ""));
      for (int i = 0; i < elements.size(); i++) {
        body.writeBytes(utf8(i == 0 ? "" : format.equals(JSON) ? ",\n" : "\n"));
        body.writeBytes(elements.get(i));
      }
      body.writeBytes(utf8(format.equals(JSON) ? "\n]" : "\n"));

      TestApp.Response posted = post(server, key, format, body.toByteArray());

      assertOutcome(posted);
      assertStored(server, number);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aBodyWithBrokenSyntaxIsOneProblemNamingWhereAndStoresNothing(StoreKind kind) {
    try (TestApp server = TestApp.start(kind, dir)) {
      String key = server.shipperKey("Acme Parcels");
      String number = register(server, key);
      String broken =
          "[\n"
              + eventJson("ok-0", number, "ACCEPTED", Instant.now().minusSeconds(60).toString())
              + ",\n{\"eventId\":\"x\",}\n]";

      TestApp.Response posted = post(server, key, JSON, utf8(broken));

      assertThat(posted.status()).isEqualTo(400);
      assertThat(posted.contentType()).startsWith("application/problem+json");
      assertThat(posted.json().get("type").asText()).isEqualTo("/problems/validation-failed");
      assertThat(posted.json().get("detail").asText())
          .isEqualTo("the body is not valid JSON (line 3, column 16)");
      assertThat(server.get("/api/v1/tracking/" + number).json().get("events")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void textThatCannotBeStoredAsSentIsRefusedInARegistrationToo(StoreKind kind) {
    try (TestApp server = TestApp.start(kind, dir)) {
      String key = server.shipperKey("Acme Parcels");
      String body =
          shipmentJson("PRIORITY", "US")
              .replace("{\"service\"", "{\"reference\":\"A\\uDC00\",\"service\"");

      TestApp.Response posted = server.postAs(key, "/api/v1/shipments", JSON, body);

      assertThat(posted.status()).isEqualTo(400);
      assertThat(posted.json().get("detail").asText())
          .isEqualTo("reference must be Unicode text; it holds half a surrogate pair");
    }
  }

  private static void assertOutcome(TestApp.Response posted) {
    assertThat(posted.status()).as(posted.body()).isEqualTo(200);
    JsonNode outcome = posted.json();
    assertThat(outcome.get("accepted").asInt()).isEqualTo(VALID.size());
    assertThat(outcome.get("duplicates").asInt()).isZero();
    List<Integer> rejected = new ArrayList<>();
    for (JsonNode r : outcome.get("rejected")) {
      rejected.add(r.get("index").asInt());
      assertThat(r.at("/problem/type").asText()).isEqualTo("/problems/validation-failed");
    }
    assertThat(rejected).isEqualTo(REJECTED);
    assertThat(outcome.at("/rejected/0/problem/detail").asText()).contains("32 levels");
    assertThat(outcome.at("/rejected/1/problem/detail").asText()).contains("number");
    assertThat(outcome.at("/rejected/2/problem/detail").asText()).contains("1970 to 9999");
    assertThat(outcome.at("/rejected/6/problem/detail").asText()).contains("UTF-8");
    assertThat(posted.body()).doesNotContain("Exception");
  }

  private static void assertStored(TestApp server, String number) {
    JsonNode events = server.get("/api/v1/tracking/" + number).json().get("events");
    List<String> types = new ArrayList<>();
    events.forEach(e -> types.add(e.get("type").asText()));
    assertThat(types).containsExactly("PROCESSED", "ARRIVED", "DEPARTED", "ACCEPTED");
  }

  private static String register(TestApp server, String key) {
    return server
        .postAs(key, "/api/v1/shipments", JSON, shipmentJson("PRIORITY", "US"))
        .json()
        .get("trackingNumber")
        .asText();
  }

  private static TestApp.Response post(TestApp server, String key, String type, byte[] body) {
    return server.send(
        HttpRequest.newBuilder(server.uri("/api/v1/events"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", type),
        "Authorization",
        "Bearer " + key);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] join(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
