package org.waypost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waypost.testing.Fixtures.eventJson;
import static org.waypost.testing.Fixtures.jsonArray;
import static org.waypost.testing.Fixtures.shipmentJson;

import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.json.Json;
import org.waypost.testing.Mailbox;
import org.waypost.testing.Smtp;
import org.waypost.testing.WebhookReceiver;

/**
 * A serve process killed with SIGKILL after it acknowledged scans but before their mail went out
 * (the SMTP port accepts connections and never greets, so the sender is stuck in its first attempt)
 * loses none: after a restart against a real SMTP server each scan's mail arrives exactly once.
 */
class MailCrashTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String BASE = Smtp.BASE_URL;
  private static final int SCANS = 5;

  /**
   * The scan's time, in parentheses after its description in the mail, written the language's way
   * (English here: "Dec 4, 2026, 3:07 PM"); the scans are a minute apart, so each reads
   * differently.
   */
  private static final Pattern SCAN_TIME = Pattern.compile("\\(([^()]*\\d:\\d\\d[^()]*)\\)");

  @TempDir Path dir;

  private static HttpResponse<String> post(String url, String key, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A port that takes connections and never says a word: an SMTP server that hangs. */
  private static final class SilentPort implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    SilentPort(int port) throws IOException {
      socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  while (true) {
                    accepted.add(socket.accept());
                  }
                } catch (IOException closed) {
                  // closed by the test
                }
              });
    }

    int connections() {
      return accepted.size();
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  @Test
  void killMinusNineBetweenCommitAndSendLosesNoMail() throws Exception {
    int port = Smtp.freePort();
    Path config =
        ServeProcess.config(
            dir,
            "{ baseUrl: \"" + BASE + "\", smtp: { host: \"127.0.0.1\", port: " + port + " } }");
    String conf = config.toString();
    assertThat(Cli.run("keys", "init", "--config", conf).exitCode()).isZero();
    String key = Cli.run("apikey", "create", "--shipper", "Acme", "--config", conf).lastLine();
    Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", "-Dwaypost.mail.leaseSeconds=2");

    Path log = dir.resolve("first.log");
    Process first = ServeProcess.start(config, log, log, env);
    try {
      String base = ServeProcess.awaitServing(first, log);
      var shipment = post(base + "api/v1/shipments", key, shipmentJson("PRIORITY", "US"));
      assertThat(shipment.statusCode()).isEqualTo(201);
      String number = Json.MAPPER.readTree(shipment.body()).get("trackingNumber").asText();

      GreenMail confirming = Smtp.on(port);
      try {
        var subscribed =
            post(
                base + "api/v1/subscriptions",
                null,
                "{\"trackingNumber\":\"" + number + "\",\"email\":\"ann@example.org\"}");
        assertThat(subscribed.statusCode()).as(subscribed.body()).isEqualTo(202);
        assertThat(confirming.waitForIncomingEmail(20_000, 1)).isTrue();
        Matcher link =
            Pattern.compile(Pattern.quote(BASE) + "(/subscriptions/confirm\\?token=[A-Za-z0-9_-]+)")
                .matcher(Mailbox.plain(confirming.getReceivedMessages()[0]));
        assertThat(link.find()).isTrue();
        var confirmed =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(base + link.group(1).substring(1))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(confirmed.statusCode()).isEqualTo(200);
      } finally {
        confirming.stop();
      }

      try (SilentPort hanging = new SilentPort(port)) {
        List<String> events = new ArrayList<>();
        OffsetDateTime time = OffsetDateTime.now(ZoneOffset.UTC).minusHours(20);
        for (int i = 0; i < SCANS; i++) {
          events.add(eventJson("e" + i, number, "ARRIVED", time.plusMinutes(i).toString()));
        }
        var posted = post(base + "api/v1/events", key, jsonArray(events.toArray(String[]::new)));
        assertThat(Json.MAPPER.readTree(posted.body()).get("accepted").asInt()).isEqualTo(SCANS);
        WebhookReceiver.await(
            Duration.ofSeconds(20), "the sender is stuck sending", () -> hanging.connections() > 0);
        first.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      first.destroyForcibly();
      first.waitFor(30, TimeUnit.SECONDS);
    }

    GreenMail smtp = Smtp.on(port);
    Path secondLog = dir.resolve("second.log");
    Process second = ServeProcess.start(config, secondLog, secondLog, env);
    try {
      ServeProcess.awaitServing(second, secondLog);
      WebhookReceiver.await(
          Duration.ofSeconds(60),
          "every scan's mail arrives after the restart",
          () -> smtp.getReceivedMessages().length >= SCANS);
      Thread.sleep(5_000); // more than two leases: a second copy would have come by now
      List<String> scans = new ArrayList<>();
      for (MimeMessage m : smtp.getReceivedMessages()) {
        Matcher scan = SCAN_TIME.matcher(Mailbox.plain(m));
        assertThat(scan.find()).isTrue();
        scans.add(scan.group(1));
      }
      assertThat(scans).as("one mail per scan").hasSize(SCANS).doesNotHaveDuplicates();
    } finally {
      second.destroy();
      second.waitFor(30, TimeUnit.SECONDS);
      smtp.stop();
    }
  }
}
