package org.waypost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.tracking.TrackingNumber;
import org.waypost.tracking.TrackingStatus;

/** {@code waypost demo}: what a newcomer sees on first start, and that a second start reuses it. */
class DemoCommandTest {
  @TempDir Path dir;

  /** Runs demo in a thread until it prints its banner, then stops it; returns the banner. */
  private String runDemoUntilReady() throws Exception {
    StringWriter out = new StringWriter();
    Thread demo =
        new Thread(
            () ->
                WaypostCommand.run(
                    new PrintWriter(out, true),
                    new PrintWriter(new StringWriter(), true),
                    "demo",
                    "--port",
                    "0",
                    "--data",
                    dir.toString()));
    demo.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!out.toString().contains("Press Ctrl+C") && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    String banner = out.toString();
    try {
      assertThat(banner).contains("Press Ctrl+C");
      Matcher url = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/)").matcher(banner);
      assertThat(url.find()).isTrue();
      Matcher sample = Pattern.compile("DELIVERED\\s+(\\S+)").matcher(banner);
      assertThat(sample.find()).isTrue();
      HttpResponse<String> lookup =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(url.group(1) + "api/v1/tracking/" + sample.group(1)))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(lookup.statusCode()).isEqualTo(200);
      assertThat(lookup.body()).contains("\"status\":\"DELIVERED\"");
      // no SMTP server: the banner says where the mail is kept, and the page is there
      assertThat(banner).contains(url.group(1) + "demo/mail");
      assertThat(
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(URI.create(url.group(1) + "demo/mail")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
      HttpResponse<String> report =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url.group(1) + "api/v1/transparency")).build(),
                  HttpResponse.BodyHandlers.ofString());
      var statements = org.waypost.json.Json.MAPPER.readTree(report.body()).get("statements");
      assertThat(statements).isNotEmpty();
      statements.forEach(
          s -> {
            assertThat(s.get("confirmedOn").isNull()).as("confirmed: %s", s).isFalse();
            assertThat(s.get("signature").asText()).as("signed: %s", s).isNotBlank();
          });
    } finally {
      demo.interrupt();
      demo.join(10_000);
    }
    return banner;
  }

  @Test
  void firstStartSeedsAndPrintsANumberPerStatusAndAKey() throws Exception {
    String first = runDemoUntilReady();

    assertThat(first).contains("Seeded fresh demo data");
    for (TrackingStatus status : TrackingStatus.values()) {
      Matcher line = Pattern.compile(status.name() + "\\s+(\\S+)").matcher(first);
      assertThat(line.find()).as("a sample for %s", status).isTrue();
      assertThat(TrackingNumber.parse(line.group(1)).value()).isEqualTo(line.group(1));
    }
    assertThat(first).containsPattern("wpk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
    assertThat(first)
        .contains("operator/login")
        .containsPattern("lena \\(admin,security,legal\\)\\s+password: \\S{12,}")
        .containsPattern("pat \\(privacy\\)\\s+password: \\S{12,}");

    String second = runDemoUntilReady();
    assertThat(second).contains("Reusing the demo data");
  }
}
