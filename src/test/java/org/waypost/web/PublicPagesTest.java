package org.waypost.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.error.ProblemType;
import org.waypost.testing.Fixtures;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.tracking.TrackingNumber;

/**
 * The public pages over HTTP: the permalink, the API reference, a page per problem type, the
 * favicon, the branded 404, the privacy twin of {@code /api/v1/privacy/me}, errors in the reader's
 * language, and the API's {@code statusText} following {@code Accept-Language}.
 */
class PublicPagesTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  @TempDir static Path dir;
  static TestApp server;
  static String inTransit;
  static String delivered;

  @BeforeAll
  static void start() {
    Map<String, String> config = new HashMap<>(Fixtures.unlimitedLookups());
    config.put("site.contactEmail", "help@post.example");
    config.put("site.primaryColor", "#1d4f2a");
    server = TestApp.start(StoreKind.SQLITE, dir, new MutableClock(NOW), config);
    List<String> pieces = Fixtures.inTransitAndDelivered(server.app());
    inTransit = pieces.get(0);
    delivered = pieces.get(1);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Document page(String path, String... headers) {
    var response = server.get(path, headers);
    assertThat(response.contentType()).as(path).startsWith("text/html");
    return Jsoup.parse(response.body());
  }

  @Test
  void thePermalinkIsTheResultsPageOfOneNumberTitledWithItsStatus() {
    var response = server.get("/track/" + delivered);
    assertThat(response.status()).isEqualTo(200);
    Document page = Jsoup.parse(response.body());
    assertThat(page.title()).isEqualTo("Delivered · " + delivered + " · Example Post Tracking");
    assertThat(page.select("section.result h2").text()).isEqualTo(delivered);
    assertThat(page.select(".banner-main").text())
        .as("the delivery's day and time, with its zone, is the largest text")
        .isEqualTo("Monday, November 23, 1:15\u202fPM GMT-5"); // CLDR: a narrow space
    assertThat(page.select(".summary")).as("one number needs no summary").isEmpty();

    Document spanish = page("/track/" + delivered + "?lang=es");
    assertThat(spanish.title()).startsWith("Entregado · " + delivered);
    assertThat(spanish.select(".banner-main").text())
        .isEqualTo("lunes, 23 de noviembre, 13:15 GMT-5");

    var invalid = server.get("/track/9400111206206406260788", "Accept-Language", "es");
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(Jsoup.parse(invalid.body()).select("#numbers-error").text())
        .isEqualTo(
            "Número de seguimiento no válido. El dígito de control no coincide. Revise si hay un"
                + " error al escribirlo.");
  }

  @Test
  void theApisStatusTextFollowsAcceptLanguageAndTheRestStaysAsTheContractSays() {
    JsonNode english = server.get("/api/v1/tracking/" + inTransit).json();
    JsonNode spanish =
        server.get("/api/v1/tracking/" + inTransit, "Accept-Language", "es-MX,es;q=0.9").json();
    JsonNode chinese = server.get("/api/v1/tracking/" + inTransit, "Accept-Language", "zh").json();
    JsonNode englishAgain =
        server.get("/api/v1/tracking/" + inTransit, "Accept-Language", "en-US,es;q=0.5").json();

    assertThat(english.get("statusText").asText()).isEqualTo("Arrived at facility");
    assertThat(spanish.get("statusText").asText()).isEqualTo("Llegó al centro");
    assertThat(chinese.get("statusText").asText()).isEqualTo("已到达处理中心");
    assertThat(englishAgain).isEqualTo(english);
    assertThat(fieldNames(english))
        .as("no page-only field reaches the JSON")
        .containsExactly(
            "trackingNumber",
            "service",
            "status",
            "statusText",
            "expectedDelivery",
            "deliveredAt",
            "origin",
            "destination",
            "events");
    ObjectNode spanishWithout = spanish.deepCopy();
    spanishWithout.remove("statusText");
    ObjectNode englishWithout = english.deepCopy();
    englishWithout.remove("statusText");
    assertThat(spanishWithout).as("only statusText changes").isEqualTo(englishWithout);

    JsonNode many =
        server
            .get("/api/v1/tracking?numbers=" + inTransit + "," + delivered, "Accept-Language", "es")
            .json();
    assertThat(many.at("/results/0/statusText").asText()).isEqualTo("Llegó al centro");
    assertThat(many.at("/results/1/statusText").asText()).isEqualTo("Entregado");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  @Test
  void theTooManyErrorSaysHowManyWereGivenInTheReadersLanguage() {
    List<String> numbers = new ArrayList<>();
    for (int serial = 1; serial <= 40; serial++) {
      numbers.add(TrackingNumber.issueImpb("055", "123456", serial).value());
    }
    String query = URLEncoder.encode(String.join(" ", numbers), StandardCharsets.UTF_8);
    var response = server.get("/track?numbers=" + query + "&lang=es");
    assertThat(response.status()).isEqualTo(400);
    assertThat(Jsoup.parse(response.body()).select("#numbers-error").text())
        .contains(
            "Se pueden consultar hasta 35 números de seguimiento a la vez; usted escribió 40.");
    assertThat(
            server
                .get("/api/v1/tracking?numbers=" + String.join(",", numbers))
                .json()
                .get("detail")
                .asText())
        .isEqualTo("Up to 35 tracking numbers can be looked up at once; 40 were given.");
  }

  @Test
  void pastedTextAndSeveralNumbersOnALineAreReadOnThePage() {
    String pasted = "Tracking #: " + inTransit + " " + delivered;
    Document page = page("/track?numbers=" + URLEncoder.encode(pasted, StandardCharsets.UTF_8));
    assertThat(page.select("section.result h2").eachText()).containsExactly(inTransit, delivered);
    assertThat(page.select(".summary a").eachAttr("href")).containsExactly("#n-2", "#n-1");
    assertThat(page.select(".summary .group").eachText())
        .containsExactly("1 delivered " + delivered, "1 on the way " + inTransit);
  }

  @Test
  void docsRenderTheApiReferenceWithACurlExamplePerRoute() throws Exception {
    var response = server.get("/docs");
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Security-Policy")).contains("default-src 'none'");
    Document docs = Jsoup.parse(response.body());
    JsonNode openApi = server.get("/openapi.json").json();
    int operations = 0;
    for (JsonNode path : openApi.get("paths")) {
      operations += path.size();
    }
    assertThat(docs.select("article.operation")).hasSize(operations);
    assertThat(docs.select("article.operation pre.curl")).hasSize(operations);
    assertThat(docs.select("#trackOne pre.curl").first().wholeText())
        .isEqualTo(
            "curl -sS \\\n     '" + server.uri("/api/v1/tracking/9400111206206406260787") + "'");
    assertThat(docs.select("#postEvents pre.curl").text())
        .contains("-X POST -H \"Authorization: Bearer $SHIPPER_KEY\"")
        .contains("--data '[{");
    assertThat(docs.select("script")).isEmpty();
    assertThat(page("/docs?lang=zh").select("h1").text()).isEqualTo("API 参考");
  }

  @Test
  void everyProblemTypeHasItsPageInEveryLanguage() {
    for (ProblemType type : ProblemType.values()) {
      for (Language language : Language.values()) {
        var response = server.get(type.uri() + "?lang=" + language.code());
        assertThat(response.status()).as("%s in %s", type, language).isEqualTo(200);
        Document page = Jsoup.parse(response.body());
        Text text = Text.of(language);
        assertThat(page.select("h1").text())
            .isEqualTo(text.get("problem." + type.slug() + ".title"));
        assertThat(page.select("main").text())
            .contains(text.get("problem." + type.slug() + ".means"))
            .contains(text.get("problem." + type.slug() + ".todo"));
      }
    }
    assertThat(server.get("/problems/no-such-problem").status()).isEqualTo(404);
  }

  @Test
  void anUnknownAddressIsABrandedPageInWordsAPersonUses() {
    var response = server.get("/track/a/b", "Accept", "text/html", "Accept-Language", "es");
    assertThat(response.status()).isEqualTo(404);
    Document page = Jsoup.parse(response.body());
    assertThat(page.select("h1").text()).isEqualTo("No encontrado");
    assertThat(page.select("[role=alert]").text())
        .isEqualTo(
            "No encontramos esta página. Puede que la dirección esté mal escrita o que la página se"
                + " haya movido.");
    assertThat(response.body()).doesNotContain("Endpoint").doesNotContain("Waypost only");
    assertThat(page.select("[role=alert], [aria-live]")).as("one live region").hasSize(1);

    var api = server.get("/api/v1/no/such");
    assertThat(api.status()).isEqualTo(404);
    assertThat(api.contentType()).startsWith("application/problem+json");
    assertThat(api.json().get("detail").asText()).isEqualTo("There is nothing at this address.");
  }

  @Test
  void theIconsAndTheOperatorsColourAreServed() {
    var icon = server.get("/favicon.ico");
    assertThat(icon.status()).isEqualTo(200);
    assertThat(icon.contentType()).isEqualTo("image/x-icon");
    assertThat(server.get("/static/icon.svg").status()).isEqualTo(200);
    var css = server.get("/brand.css");
    assertThat(css.body()).contains("--brand: #1d4f2a");
    assertThat(page("/").select("link[rel=icon]").attr("href")).isEqualTo("/static/icon.svg");
  }

  @Test
  void theSoftwaresNameIsOnlyInTheFooterCredit() {
    for (String path : List.of("/", "/track/" + inTransit, "/help", "/privacy", "/no/such")) {
      Document page = page(path, "Accept", "text/html");
      page.select(".credit").remove();
      assertThat(page.text()).as(path).doesNotContain("Waypost");
    }
  }

  @Test
  void privacyLinksToAPageOfWhatThisVisitLeaves() {
    Document privacy = page("/privacy?lang=es");
    assertThat(privacy.select("a[href='/privacy/me?lang=es']")).hasSize(1);
    Document me = page("/privacy/me?lang=es");
    assertThat(me.select("h1").text()).isEqualTo("Lo que deja esta visita");
    assertThat(me.select("code").first().text()).isEqualTo("127.0.0.1");
    assertThat(server.get("/api/v1/privacy/me").json().get("page").asText())
        .isEqualTo("/privacy/me");
    assertThat(page("/privacy?lang=zh").select("th[scope=row]").first().text())
        .isEqualTo("您的 IP 地址，用于频率限制和滥用检测");
  }

  @Test
  void helpAndNextStepsNameTheOperatorsContact() {
    Document help = page("/help");
    assertThat(help.select("a[href='mailto:help@post.example']")).isNotEmpty();
    Document delivered = page("/track/" + PublicPagesTest.delivered);
    assertThat(delivered.select(".next a[href='mailto:help@post.example']")).hasSize(1);
    assertThat(delivered.select(".next a[href='/help']").text()).isEqualTo("Questions and answers");
  }
}
