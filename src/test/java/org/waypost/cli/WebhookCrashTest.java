package org.waypost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waypost.testing.Fixtures.eventJson;
import static org.waypost.testing.Fixtures.jsonArray;
import static org.waypost.testing.Fixtures.shipmentJson;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.json.Json;
import org.waypost.testing.WebhookReceiver;

/**
 * A serve process killed with SIGKILL after it acknowledged scans but before any webhook for them
 * was delivered (the receiver holds every request open) loses none: after a restart each scan's
 * delivery arrives, at least once.
 */
class WebhookCrashTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir Path dir;

  private static HttpResponse<String> post(String url, String key, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void killMinusNineBetweenCommitAndSendLosesNoWebhook() throws Exception {
    CountDownLatch released = new CountDownLatch(1);
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      // until released, every request is held open and then refused: nothing counts as delivered
      receiver.answer(
          () -> {
            try {
              released.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return 503;
          });
      Path config = ServeProcess.config(dir, "{ allowPrivateWebhooks: true }");
      String conf = config.toString();
      assertThat(Cli.run("keys", "init", "--config", conf).exitCode()).isZero();
      String key = Cli.run("apikey", "create", "--shipper", "Acme", "--config", conf).lastLine();
      Cli hook =
          Cli.run(
              "webhook",
              "create",
              "--shipper",
              "Acme",
              "--url",
              receiver.url("/in"),
              "--config",
              conf);
      assertThat(hook.exitCode()).as(hook.err()).isZero();

      Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", "-Dwaypost.webhooks.leaseSeconds=2");
      Path log = dir.resolve("first.log");
      Process first = ServeProcess.start(config, log, log, env);
      List<String> eventIds = new ArrayList<>();
      try {
        String base = ServeProcess.awaitServing(first, log);
        var shipment = post(base + "api/v1/shipments", key, shipmentJson("PRIORITY", "US"));
        assertThat(shipment.statusCode()).isEqualTo(201);
        String number = Json.MAPPER.readTree(shipment.body()).get("trackingNumber").asText();
        List<String> events = new ArrayList<>();
        OffsetDateTime time = OffsetDateTime.now(ZoneOffset.UTC).minusHours(20);
        for (int i = 0; i < 20; i++) {
          eventIds.add("e" + i);
          events.add(eventJson("e" + i, number, "ARRIVED", time.plusMinutes(i).toString()));
        }
        var posted = post(base + "api/v1/events", key, jsonArray(events.toArray(String[]::new)));
        assertThat(Json.MAPPER.readTree(posted.body()).get("accepted").asInt()).isEqualTo(20);
        WebhookReceiver.await(
            Duration.ofSeconds(20), "the dispatcher is sending", () -> receiver.requests() > 0);
        assertThat(receiver.received()).as("nothing delivered before the kill").isEmpty();
      } finally {
        first.destroyForcibly();
        first.waitFor(30, TimeUnit.SECONDS);
      }
      released.countDown();
      receiver.answer(() -> 200);

      Path secondLog = dir.resolve("second.log");
      Process second = ServeProcess.start(config, secondLog, secondLog, env);
      try {
        ServeProcess.awaitServing(second, secondLog);
        WebhookReceiver.await(
            Duration.ofSeconds(60),
            "every scan's webhook arrives after the restart",
            () -> scansDelivered(receiver).size() == 20);
        assertThat(scansDelivered(receiver)).hasSize(20);
      } finally {
        second.destroy();
        second.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /** The distinct scans (by time) the receiver got, de-duplicated as a receiver would. */
  private static Set<String> scansDelivered(WebhookReceiver receiver) {
    Set<String> times = new TreeSet<>();
    for (WebhookReceiver.Received r : receiver.received()) {
      try {
        times.add(Json.MAPPER.readTree(r.body()).get("event").get("time").asText());
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    }
    return times;
  }
}
