package org.waypost.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waypost.testing.Fixtures.eventJson;
import static org.waypost.testing.Fixtures.jsonArray;
import static org.waypost.testing.Fixtures.shipmentJson;
import static org.waypost.testing.WebhookReceiver.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.json.Json;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.testing.TestServer.Response;
import org.waypost.testing.WebhookReceiver;

/** Shippers' webhooks end to end: a real server, a real receiver, both stores. */
class WebhooksTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String JSON = "application/json";

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));

  private TestApp start(StoreKind kind) {
    return TestApp.start(kind, dir, clock, Map.of("notifications.allowPrivateWebhooks", "true"));
  }

  /**
   * Verifies {@code Waypost-Signature} from the documented scheme alone: {@code t=<unix
   * seconds>,v1=<lowercase hex HMAC-SHA256(secret, "<t>.<raw body>")>}, the key being the secret as
   * shown, and {@code t} within five minutes of now.
   */
  static boolean verifies(String header, byte[] body, String secret, Instant now) throws Exception {
    String t = null;
    String v1 = null;
    for (String part : header.split(",")) {
      String[] kv = part.split("=", 2);
      if (kv[0].equals("t")) {
        t = kv[1];
      } else if (kv[0].equals("v1")) {
        v1 = kv[1];
      }
    }
    if (t == null || v1 == null || Math.abs(Long.parseLong(t) - now.getEpochSecond()) > 300) {
      return false;
    }
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] signed =
        (t + "." + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    byte[] expected = mac.doFinal(signed);
    return MessageDigest.isEqual(
        HexFormat.of().formatHex(expected).getBytes(StandardCharsets.US_ASCII),
        v1.getBytes(StandardCharsets.US_ASCII));
  }

  static String register(TestApp server, String key) {
    Response created =
        server.postAs(key, "/api/v1/shipments", JSON, shipmentJson("PRIORITY", "US"));
    assertThat(created.status()).isEqualTo(201);
    return created.json().get("trackingNumber").asText();
  }

  private static JsonNode endpoint(TestApp server, String key, String url, String events) {
    String body =
        "{\"url\":\"" + url + "\"" + (events == null ? "" : ",\"events\":" + events) + "}";
    Response created = server.postAs(key, "/api/v1/webhooks", JSON, body);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }

  static void scan(TestApp server, String key, String id, String number, String type) {
    Response posted =
        server.postAs(
            key,
            "/api/v1/events",
            JSON,
            jsonArray(eventJson(id, number, type, "2026-11-29T08:00:00-05:00")));
    assertThat(posted.json().get("accepted").asInt()).as(posted.body()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void signedDeliveriesForTheOwnersPiecesOnly(StoreKind kind) throws Exception {
    try (TestApp server = start(kind);
        WebhookReceiver acmeHooks = new WebhookReceiver();
        WebhookReceiver otherHooks = new WebhookReceiver()) {
      String acme = server.shipperKey("Acme");
      String other = server.shipperKey("Other");
      String network = server.app().apiKeys().create("Network", true).key();
      JsonNode acmeEndpoint = endpoint(server, acme, acmeHooks.url("/hooks"), null);
      String secret = acmeEndpoint.get("secret").asText();
      assertThat(secret).startsWith("whsec_");
      JsonNode otherEndpoint = endpoint(server, other, otherHooks.url("/in"), "[\"DELIVERED\"]");
      endpoint(server, network, otherHooks.url("/network"), null);

      String acmePiece = register(server, acme);
      String otherPiece = register(server, other);
      scan(server, acme, "a1", acmePiece, "ACCEPTED");
      scan(server, network, "n1", acmePiece, "ARRIVED"); // the network's scan of Acme's piece
      scan(server, other, "o1", otherPiece, "ARRIVED"); // not in Other's filter
      scan(server, other, "o2", otherPiece, "DELIVERED");

      await(WAIT, "Acme has both scans", () -> acmeHooks.received().size() >= 2);
      await(WAIT, "Other has its delivery", () -> otherHooks.received().size() >= 1);
      Thread.sleep(1500); // anything else would have arrived by now
      assertThat(acmeHooks.received()).hasSize(2);
      assertThat(otherHooks.received())
          .as("Other's filter, and nothing for the network account's endpoint")
          .hasSize(1)
          .allSatisfy(r -> assertThat(r.path()).isEqualTo("/in"));

      for (WebhookReceiver.Received r : acmeHooks.received()) {
        assertThat(verifies(r.signature(), r.body(), secret, clock.instant()))
            .as("signature of %s", r.text())
            .isTrue();
        assertThat(verifies(r.signature(), r.body(), secret + "x", clock.instant())).isFalse();
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.get("type").asText()).isEqualTo("tracking.updated");
        assertThat(body.get("trackingNumber").asText()).isEqualTo(acmePiece);
        assertThat(body.get("id").asText()).isEqualTo(r.deliveryHeader()).startsWith("whd_");
        assertThat(body.get("result").get("trackingNumber").asText()).isEqualTo(acmePiece);
        assertThat(body.get("event").get("type").asText()).isIn("ACCEPTED", "ARRIVED");
        assertThat(body.get("result").get("events").toString())
            .as("the result already shows the scan")
            .contains(body.get("event").get("type").asText());
      }
      JsonNode otherBody = Json.MAPPER.readTree(otherHooks.received().getFirst().body());
      assertThat(otherBody.get("trackingNumber").asText()).isEqualTo(otherPiece);
      assertThat(otherBody.get("event").get("type").asText()).isEqualTo("DELIVERED");
      assertThat(
              verifies(
                  otherHooks.received().getFirst().signature(),
                  otherHooks.received().getFirst().body(),
                  otherEndpoint.get("secret").asText(),
                  clock.instant()))
          .isTrue();

      // the log, the list without secrets, and another account's endpoint is not there
      String id = acmeEndpoint.get("id").asText();
      JsonNode log = get(server, acme, "/api/v1/webhooks/" + id + "/deliveries").json();
      assertThat(log.get("deliveries")).hasSize(2);
      assertThat(log.get("deliveries").get(0).get("state").asText()).isEqualTo("DELIVERED");
      assertThat(log.get("deliveries").get(0).get("lastStatus").asInt()).isEqualTo(200);
      Response list = get(server, acme, "/api/v1/webhooks");
      assertThat(list.json().get("webhooks")).hasSize(1);
      assertThat(list.body()).doesNotContain(secret).doesNotContain("whsec_");
      assertThat(get(server, other, "/api/v1/webhooks/" + id + "/deliveries").status())
          .isEqualTo(404);
      assertThat(get(server, null, "/api/v1/webhooks").status()).isEqualTo(401);

      // a ping, then a redelivery of the same delivery id, both signed
      Response ping = server.postAs(acme, "/api/v1/webhooks/" + id + "/ping", JSON, "");
      assertThat(ping.status()).isEqualTo(202);
      await(WAIT, "the ping arrives", () -> acmeHooks.received().size() == 3);
      WebhookReceiver.Received pinged = acmeHooks.received().get(2);
      assertThat(Json.MAPPER.readTree(pinged.body()).get("type").asText()).isEqualTo("ping");
      assertThat(verifies(pinged.signature(), pinged.body(), secret, clock.instant())).isTrue();
      String first = acmeHooks.received().getFirst().deliveryHeader();
      Response again =
          server.postAs(
              acme, "/api/v1/webhooks/" + id + "/deliveries/" + first + "/redeliver", JSON, "");
      assertThat(again.status()).isEqualTo(202);
      await(WAIT, "the redelivery arrives", () -> acmeHooks.received().size() == 4);
      assertThat(acmeHooks.received().get(3).deliveryHeader()).isEqualTo(first);
      assertThat(acmeHooks.received().get(3).text()).isEqualTo(acmeHooks.received().get(0).text());
      assertThat(
              server
                  .postAs(
                      other,
                      "/api/v1/webhooks/" + id + "/deliveries/" + first + "/redeliver",
                      JSON,
                      "")
                  .status())
          .isEqualTo(404);

      // deleted: no more deliveries, and 404 after
      assertThat(delete(server, other, "/api/v1/webhooks/" + id).status()).isEqualTo(404);
      assertThat(delete(server, acme, "/api/v1/webhooks/" + id).status()).isEqualTo(204);
      scan(server, acme, "a2", acmePiece, "DEPARTED");
      Thread.sleep(1500);
      assertThat(acmeHooks.requests()).isEqualTo(4);
      assertThat(get(server, acme, "/api/v1/webhooks/" + id + "/deliveries").status())
          .isEqualTo(404);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void failedDeliveriesAreRetriedWithBackoffAndAFailingEndpointIsDisabled(StoreKind kind)
      throws Exception {
    try (TestApp server = start(kind);
        WebhookReceiver hooks = new WebhookReceiver()) {
      String acme = server.shipperKey("Acme");
      String id = endpoint(server, acme, hooks.url("/hooks"), null).get("id").asText();
      String piece = register(server, acme);
      hooks.answer(() -> 500);
      scan(server, acme, "a1", piece, "ACCEPTED");
      await(WAIT, "the first attempt", () -> hooks.requests() == 1);
      String log = "/api/v1/webhooks/" + id + "/deliveries";
      await(
          WAIT,
          "the failure is recorded",
          () ->
              get(server, acme, log).json().get("deliveries").get(0).get("attempts").asInt() == 1);
      JsonNode failed = get(server, acme, log).json().get("deliveries").get(0);
      assertThat(failed.get("state").asText()).isEqualTo("PENDING");
      assertThat(failed.get("lastStatus").asInt()).isEqualTo(500);
      assertThat(Instant.parse(failed.get("nextAttemptAt").asText()))
          .isEqualTo(clock.instant().plusSeconds(30));

      Thread.sleep(1200);
      assertThat(hooks.requests()).as("not before the backoff ends").isEqualTo(1);
      clock.advance(Duration.ofSeconds(31));
      await(WAIT, "the second attempt", () -> hooks.requests() == 2);
      await(
          WAIT,
          "the second failure is recorded",
          () ->
              get(server, acme, log).json().get("deliveries").get(0).get("attempts").asInt() == 2);
      assertThat(
              Instant.parse(
                  get(server, acme, log)
                      .json()
                      .get("deliveries")
                      .get(0)
                      .get("nextAttemptAt")
                      .asText()))
          .as("the delay doubles")
          .isEqualTo(clock.instant().plusSeconds(60));

      AtomicInteger answered = new AtomicInteger();
      hooks.answer(() -> answered.incrementAndGet() == 1 ? 200 : 500);
      clock.advance(Duration.ofSeconds(61));
      await(WAIT, "the retry succeeds", () -> hooks.received().size() == 1);
      await(
          WAIT,
          "the success is recorded",
          () ->
              get(server, acme, log)
                  .json()
                  .get("deliveries")
                  .get(0)
                  .get("state")
                  .asText()
                  .equals("DELIVERED"));

      // three days of failures disable the endpoint, with an audit entry
      scan(server, acme, "a2", piece, "ARRIVED");
      await(WAIT, "the next scan fails once", () -> hooks.requests() == 4);
      clock.advance(Duration.ofDays(3).plusMinutes(1));
      await(
          WAIT,
          "the endpoint is disabled",
          () ->
              !get(server, acme, "/api/v1/webhooks")
                  .json()
                  .get("webhooks")
                  .get(0)
                  .get("disabledAt")
                  .isNull());
      assertThat(server.app().audit().latest("webhook.disabled")).isPresent();
      int before = hooks.requests();
      clock.advance(Duration.ofDays(1));
      Thread.sleep(1500);
      assertThat(hooks.requests()).as("a disabled endpoint gets nothing").isEqualTo(before);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void privateAndPlainHttpTargetsAreRefusedOutsideTests(StoreKind kind) {
    try (TestApp server = TestApp.start(kind, dir, clock, Map.of())) {
      String acme = server.shipperKey("Acme");
      for (String url :
          new String[] {
            "http://hooks.example.org/in",
            "https://127.0.0.1/in",
            "https://localhost:8443/in",
            "https://[::1]/in",
            "https://169.254.169.254/latest/meta-data",
            "https://192.0.2.10/in",
            "https://[::ffff:127.0.0.1]/in",
            "https://0.0.0.0/in",
            "ftp://198.51.100.7/in",
            "https://user@203.0.113.5/in",
            "/relative"
          }) {
        Response refused =
            server.postAs(acme, "/api/v1/webhooks", JSON, "{\"url\":\"" + url + "\"}");
        assertThat(refused.status()).as(url).isEqualTo(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("type").asText()).isEqualTo("/problems/validation-failed");
      }
      assertThat(get(server, acme, "/api/v1/webhooks").json().get("webhooks")).isEmpty();
      Response badEvents =
          server.postAs(
              acme,
              "/api/v1/webhooks",
              JSON,
              "{\"url\":\"https://x.example\",\"events\":[\"NOPE\"]}");
      assertThat(badEvents.status()).isEqualTo(400);
    }
  }

  private static Response get(TestApp server, String key, String path) {
    return key == null ? server.get(path) : server.get(path, "Authorization", "Bearer " + key);
  }

  private static Response delete(TestApp server, String key, String path) {
    return server.send(
        HttpRequest.newBuilder(server.uri(path)).DELETE(), "Authorization", "Bearer " + key);
  }
}
