package org.waypost.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.testing.Fixtures;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/** The public tracking API and pages, over HTTP, as the contract describes them. */
class TrackingApiTest {
  /**
   * The server's "now", a day after the scans below. On the wall clock, the retention the server
   * runs at start would delete the delivered piece once its 120 days had passed.
   */
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  @TempDir static Path dir;
  static TestApp server;
  static String inTransit;
  static String delivered;

  @BeforeAll
  static void start() {
    // every test here asks from the same address, many unknown numbers among them: this class
    // is about the tracking API, so the abuse limits are out of its way (AbuseTest covers them)
    server =
        TestApp.start(StoreKind.SQLITE, dir, new MutableClock(NOW), Fixtures.unlimitedLookups());
    List<String> pieces = Fixtures.inTransitAndDelivered(server.app());
    inTransit = pieces.get(0);
    delivered = pieces.get(1);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String spaced(String number) {
    return number.substring(0, 4) + " " + number.substring(4, 8) + "-" + number.substring(8);
  }

  @Test
  void oneNumberShowsStatusEstimateAndHistoryNewestFirst() {
    var response = server.get("/api/v1/tracking/" + inTransit);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("application/json");
    JsonNode body = response.json();
    assertThat(body.get("trackingNumber").asText()).isEqualTo(inTransit);
    assertThat(body.get("service").asText()).isEqualTo("PRIORITY");
    assertThat(body.get("status").asText()).isEqualTo("IN_TRANSIT");
    assertThat(body.get("statusText").asText()).isEqualTo("Arrived at facility");
    assertThat(body.get("expectedDelivery").asText()).isEqualTo("2026-12-01");
    assertThat(body.get("deliveredAt").isNull()).isTrue();
    assertThat(body.at("/destination/city").asText()).isEqualTo("FAIRFAX");
    assertThat(body.at("/events/0/time").asText()).isEqualTo("2026-11-28T14:03:00-08:00");
    assertThat(body.at("/events/0/type").asText()).isEqualTo("ARRIVED");
    assertThat(body.at("/events/0/status").asText()).isEqualTo("IN_TRANSIT");
    assertThat(body.at("/events/1/type").asText()).isEqualTo("ACCEPTED");
  }

  @Test
  void deliveredPiecesShowWhenAndNoEstimate() {
    JsonNode body = server.get("/api/v1/tracking/" + delivered).json();
    assertThat(body.get("status").asText()).isEqualTo("DELIVERED");
    assertThat(body.get("deliveredAt").asText()).isEqualTo("2026-11-23T13:15:00-05:00");
    assertThat(body.get("expectedDelivery").isNull()).isTrue();
  }

  @Test
  void numbersAreNormalizedBeforeAnythingElse() {
    String withPrefix = "420 22032 " + spaced(inTransit).toLowerCase();
    var response =
        server.get(
            "/api/v1/tracking/"
                + URLEncoder.encode(withPrefix, StandardCharsets.UTF_8).replace("+", "%20"));
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("trackingNumber").asText()).isEqualTo(inTransit);
  }

  @Test
  void unknownValidNumbersAreNotFound() {
    var response = server.get("/api/v1/tracking/9400111206206406260787");
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().get("type").asText()).isEqualTo("/problems/not-found");
  }

  @Test
  void aWrongCheckDigitIsAnInvalidNumberThatSaysSo() {
    String wrong =
        inTransit.substring(0, 21) + (char) ('0' + (inTransit.charAt(21) - '0' + 1) % 10);
    var response = server.get("/api/v1/tracking/" + wrong);
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    JsonNode problem = response.json();
    assertThat(problem.get("type").asText()).isEqualTo("/problems/invalid-tracking-number");
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.get("status").asInt()).isEqualTo(400);
    assertThat(problem.get("detail").asText()).containsIgnoringCase("check digit");
  }

  @Test
  void otherCarriersNumbersAreNamed() {
    assertThat(server.get("/api/v1/tracking/1Z5R89390357567127").json().get("detail").asText())
        .contains("looks like a UPS tracking number");
    assertThat(server.get("/api/v1/tracking/986578788855").json().get("detail").asText())
        .contains("looks like a FedEx tracking number");
  }

  @Test
  void everyCarrierThatMatchesIsNamedWithItsTrackingPage() {
    JsonNode one = server.get("/api/v1/tracking/287809468872").json();
    assertThat(one.get("detail").asText()).contains("FedEx or Purolator");
    assertThat(one.get("carriers").findValuesAsText("name")).containsExactly("FedEx", "Purolator");
    assertThat(one.get("carriers").get(0).get("trackingUrl").asText()).contains("287809468872");

    JsonNode many = server.get("/api/v1/tracking?numbers=287809468872," + inTransit).json();
    assertThat(many.at("/results/0/error/carriers").findValuesAsText("name"))
        .containsExactly("FedEx", "Purolator");
    assertThat(many.at("/results/1/error").isMissingNode()).isTrue();
  }

  @Test
  void severalNumbersComeBackInOrderWithDuplicatesRemoved() {
    String numbers =
        spaced(delivered) + "\n" + inTransit + "," + delivered + ",RB123456785GB,12345";
    var response =
        server.get(
            "/api/v1/tracking?numbers=" + URLEncoder.encode(numbers, StandardCharsets.UTF_8));

    assertThat(response.status()).isEqualTo(200);
    JsonNode results = response.json().get("results");
    assertThat(results).hasSize(4);
    assertThat(results.get(0).get("trackingNumber").asText()).isEqualTo(delivered);
    assertThat(results.get(0).get("status").asText()).isEqualTo("DELIVERED");
    assertThat(results.get(1).get("trackingNumber").asText()).isEqualTo(inTransit);
    assertThat(results.get(2).get("trackingNumber").asText()).isEqualTo("RB123456785GB");
    assertThat(results.get(2).at("/error/type").asText()).isEqualTo("/problems/not-found");
    assertThat(results.get(3).at("/error/type").asText())
        .isEqualTo("/problems/invalid-tracking-number");
    assertThat(results.get(3).at("/error/status").asInt()).isEqualTo(400);
  }

  @Test
  void thirtyFiveNumbersAreFineAndThirtySixAreTooMany() {
    List<String> numbers = new ArrayList<>();
    for (int i = 0; i < 36; i++) {
      numbers.add(TrackingNumber.issueImpb("055", "654321", i).value());
    }
    var ok = server.get("/api/v1/tracking?numbers=" + String.join(",", numbers.subList(0, 35)));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().get("results")).hasSize(35);

    var tooMany = server.get("/api/v1/tracking?numbers=" + String.join(",", numbers));
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.json().get("type").asText()).isEqualTo("/problems/too-many-numbers");
  }

  @Test
  void anEmptyQueryIsAValidationProblem() {
    var response = server.get("/api/v1/tracking?numbers=%2C%2C");
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("type").asText()).isEqualTo("/problems/validation-failed");
  }

  @Test
  void everyResponseCarriesStrictSecurityHeaders() {
    for (String path : List.of("/", "/api/v1/tracking/" + inTransit, "/no/such/page")) {
      var response = server.get(path);
      assertThat(response.header("Content-Security-Policy"))
          .contains("default-src 'none'")
          .contains("frame-ancestors 'none'");
      assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
      assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
      assertThat(response.header("Cache-Control")).isEqualTo("no-store");
    }
  }

  @Test
  void unknownAddressesAreProblemsNotStackTraces() {
    var api = server.get("/api/v1/nothing-here");
    assertThat(api.status()).isEqualTo(404);
    assertThat(api.contentType()).startsWith("application/problem+json");
    var page = server.get("/nothing-here", "Accept", "text/html");
    assertThat(page.status()).isEqualTo(404);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.body()).contains("Not found").doesNotContain("Exception");
  }

  @Test
  void theHomePageSpeaksTheRequestsLanguageAndOffersTheOthers() {
    Document spanish = Jsoup.parse(server.get("/?lang=es", "Accept-Language", "zh-CN").body());
    assertThat(spanish.select("html").attr("lang")).isEqualTo("es");
    assertThat(spanish.select("h1").text()).isEqualTo("Rastrear un paquete");
    assertThat(spanish.select("nav.languages a").eachAttr("href"))
        .containsExactly("/?lang=en", "/?lang=zh");

    Document chinese = Jsoup.parse(server.get("/", "Accept-Language", "zh-CN,zh;q=0.9").body());
    assertThat(chinese.select("html").attr("lang")).isEqualTo("zh");
    assertThat(chinese.select("h1").text()).isEqualTo("查询包裹");
    assertThat(chinese.select("form input[name=lang]").attr("value")).isEqualTo("zh");
  }

  @Test
  void theHomePageIsAnAccessibleFormThatWorksWithoutJavaScript() {
    Document home = Jsoup.parse(server.get("/").body());
    assertThat(home.select("html").attr("lang")).isEqualTo("en");
    assertThat(home.select("form[action=/track][method=get] textarea#numbers[name=numbers]"))
        .hasSize(1);
    assertThat(home.select("label[for=numbers]").text()).isEqualTo("Tracking numbers");
    assertThat(home.select("script")).isEmpty();
  }

  @Test
  void theResultsPageLabelsTheEstimateAndEscapesEverything() {
    String typed = inTransit + "\n<script>alert(1)</script>\n" + delivered;
    var response = server.get("/track?numbers=" + URLEncoder.encode(typed, StandardCharsets.UTF_8));
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).doesNotContain("<script>alert(1)</script>");
    Document page = Jsoup.parse(response.body());
    assertThat(page.select("script")).isEmpty();
    assertThat(page.select("section.result")).hasSize(3);
    assertThat(page.select("section.result").get(0).text())
        .contains("In transit")
        .contains("Expected delivery")
        .contains("An estimate from the service standard, not a scan.")
        .contains("Tuesday, December 1");
    assertThat(page.select("section.result").get(0).select(".banner-main").text())
        .as("the expected day is the banner's main line")
        .isEqualTo("Tuesday, December 1");
    assertThat(page.select("section.result").get(1).select(".problem").text()).isNotBlank();
    assertThat(page.select("section.result").get(1).select("h2").text())
        .contains("SCRIPT>ALERT(1)</SCRIPT>");
    assertThat(page.select("section.result").get(2).text())
        .contains("Delivered")
        .doesNotContain("estimate");
    assertThat(page.select("section.result").get(0).select("ul.history li")).hasSize(2);
    assertThat(page.select("ol.history")).as("the history is not numbered").isEmpty();
  }

  @Test
  void tooManyNumbersOnThePageIsAReadableError() {
    StringBuilder typed = new StringBuilder();
    for (int i = 0; i < 36; i++) {
      typed.append(TrackingNumber.issueImpb("055", "654321", i).value()).append('\n');
    }
    var response =
        server.get("/track?numbers=" + URLEncoder.encode(typed.toString(), StandardCharsets.UTF_8));
    assertThat(response.status()).isEqualTo(400);
    assertThat(Jsoup.parse(response.body()).select("[role=alert]").text()).contains("35");
  }
}
