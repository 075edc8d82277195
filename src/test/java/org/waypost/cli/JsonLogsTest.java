package org.waypost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.keys.MasterKey;
import org.waypost.testing.Fixtures;
import org.waypost.tracking.TrackingNumber;

/**
 * {@code logging.format: json}, as a log collector reads it: {@code waypost serve} in a process of
 * its own, whose stdout holds nothing but JSON objects, one per line, with no tracking number or
 * client address in any of them. The process also carries the variables Kubernetes sets for a
 * service named waypost, which must not stop the start.
 */
class JsonLogsTest {
  private static final String CLIENT_V4 = "203.0.113.7";
  private static final String CLIENT_V6 = "2001:db8::7";

  @TempDir Path dir;

  @Test
  void serveWritesOneJsonObjectPerLineOnStdoutAndNoNumberOrAddress() throws Exception {
    Path config = dir.resolve("waypost.yaml");
    Files.writeString(
        config,
        """
        server: { host: 127.0.0.1, port: 0, trustedProxies: [127.0.0.1/32, "::1/128"] }
        database: { url: "jdbc:sqlite:%s" }
        privacy: { keyDir: "%s", masterKeyFile: "%s" }
        logging: { format: json }
        """
            .formatted(dir.resolve("waypost.db"), dir.resolve("keys"), dir.resolve("master.key")));
    MasterKey.createIfMissing(dir.resolve("master.key"));
    String shipperKey =
        Cli.run("apikey", "create", "--shipper", "Acme", "--config", config.toString()).lastLine();
    Path stdout = dir.resolve("stdout");
    Path stderr = dir.resolve("stderr");
    Process server =
        ServeProcess.start(
            config,
            stdout,
            stderr,
            Map.of(
                "WAYPOST_SERVICE_HOST", "192.0.2.10",
                "WAYPOST_SERVICE_PORT", "8080",
                "WAYPOST_PORT", "tcp://192.0.2.10:8080",
                "WAYPOST_PORT_8080_TCP_ADDR", "192.0.2.10"));
    List<String> numbers = new ArrayList<>();
    try {
      String base = ServeProcess.awaitServing(server, stderr);
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> created =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "api/v1/shipments"))
                  .header("Authorization", "Bearer " + shipperKey)
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(Fixtures.shipmentJson("PRIORITY", "US")))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      numbers.add(new ObjectMapper().readTree(created.body()).get("trackingNumber").asText());
      numbers.add(TrackingNumber.issueImpb("055", "654321", 77).value());
      for (String client : List.of(CLIENT_V4, CLIENT_V6)) {
        for (String number : numbers) {
          HttpResponse<String> lookup =
              http.send(
                  HttpRequest.newBuilder(URI.create(base + "api/v1/tracking/" + number))
                      .header("X-Forwarded-For", client)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(lookup.statusCode()).isIn(200, 404);
        }
      }
      awaitLine(stdout, "route=/api/v1/tracking/{number}");
    } finally {
      server.destroy();
      server.waitFor();
    }

    List<String> lines = Files.readAllLines(stdout).stream().filter(l -> !l.isBlank()).toList();
    assertThat(lines).isNotEmpty();
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> objects = new ArrayList<>();
    for (String line : lines) {
      JsonNode object = json.readTree(line);
      assertThat(object.isObject()).as("a JSON object: %s", line).isTrue();
      assertThat(object.get("level").asText()).as(line).isNotBlank();
      assertThat(object.get("loggerName").asText()).as(line).isNotBlank();
      assertThat(object.has("timestamp")).as(line).isTrue();
      objects.add(object);
      for (String secret : List.of(numbers.get(0), numbers.get(1), CLIENT_V4, "2001:db8:")) {
        assertThat(line).doesNotContainIgnoringCase(secret);
      }
    }
    assertThat(objects)
        .as("the access log is among the JSON lines")
        .anySatisfy(
            o ->
                assertThat(o.get("formattedMessage").asText())
                    .contains("route=/api/v1/tracking/{number}"));
    assertThat(objects)
        .as("one line names the ignored Kubernetes variables")
        .anySatisfy(
            o ->
                assertThat(o.get("formattedMessage").asText())
                    .contains("Kubernetes")
                    .contains("WAYPOST_PORT, WAYPOST_PORT_8080_TCP_ADDR")
                    .contains("WAYPOST_SERVICE_HOST, WAYPOST_SERVICE_PORT"));
    assertThat(Files.readString(stdout)).doesNotContain("Waypost is serving");
  }

  /** Waits until the background access log has written a line containing {@code text}. */
  private static void awaitLine(Path file, String text) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!Files.readString(file).contains(text) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }
}
