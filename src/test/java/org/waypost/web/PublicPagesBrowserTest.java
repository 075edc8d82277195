package org.waypost.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.waypost.catalog.Service;
import org.waypost.testing.Browser;
import org.waypost.testing.Chromium;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.tracking.EventIngestion;
import org.waypost.tracking.EventType;
import org.waypost.tracking.Location;
import org.waypost.tracking.ScanEvent;
import org.waypost.tracking.ShipmentRegistry;
import org.waypost.tracking.TrackingNumber;
import org.waypost.tracking.TrackingStatus;

/**
 * Every public page, in every language, at a phone's width (360 and 390 px) and a desktop's (1280
 * px), as Chromium renders it: no page is wider than its window, axe-core finds nothing wrong, each
 * status says what to do next. One browser and one server serve the whole class; the pages,
 * languages and widths are loops, not tests of their own, to keep the suite fast. The results page
 * is photographed at 390 and 1280 px in English and Spanish (target/screenshots; docs/ holds the
 * copies).
 */
class PublicPagesBrowserTest {
  private static final int[] WIDTHS = {360, 390, 1280};
  private static final String[] LANGUAGES = {"en", "es", "zh"};
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final String REDELIVERY = "https://post.example/redelivery";
  private static final String UPS_NUMBER = "1Z5R89390357567127";

  private static final Location MEMPHIS = new Location("Memphis", "TN", "38103", "US");
  private static final Location LOUISVILLE = new Location("Louisville", "KY", "40202", "US");
  private static final Location HOUSTON = new Location("Houston", "TX", "77002", "US");

  @TempDir static Path dir;

  private static TestApp app;
  private static TestApp limited;
  private static ChromeDriver browser;
  private static String axe;

  /** One piece in each status, by status. */
  private static final Map<TrackingStatus, String> PIECES = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws IOException {
    Map<String, String> site = new LinkedHashMap<>();
    site.put("site.contactEmail", "help@post.example");
    site.put("site.contactPhone", "+1 202 555 0100");
    site.put("site.redeliveryUrl", REDELIVERY);
    site.put("site.pickupHours", "Mon–Fri 9:00–17:00, Sat 9:00–12:00");
    // the loops look up the same numbers hundreds of times: far above what abuse defence allows
    site.put("abuse.clientNumbersPerMinute", "100000");
    site.put("abuse.clientNumbersPerDay", "1000000");
    site.put("abuse.prefixNumbersPerMinute", "100000");
    site.put("abuse.prefixNumbersPerDay", "1000000");
    site.put("abuse.failures", "100000");
    site.put("abuse.prefixFailures", "100000");
    // email offered (kept in the demo's outbox): each card not yet delivered has its form
    site.put("notifications.demoOutbox", "true");
    app = TestApp.start(StoreKind.SQLITE, dir.resolve("app"), Clock.systemUTC(), site);
    // a second server that refuses every lookup after the first: its 429 page is a public page too
    limited =
        TestApp.start(
            StoreKind.SQLITE,
            dir.resolve("limited"),
            Clock.systemUTC(),
            Map.of("abuse.clientNumbersPerMinute", "35", "abuse.prefixNumbersPerMinute", "35"));
    seed();
    axe = Browser.axeScript();
    browser = Chromium.start(dir.resolve("chrome-profile"));
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        browser.quit();
      }
    } finally {
      if (app != null) {
        app.close();
      }
      if (limited != null) {
        limited.close();
      }
    }
  }

  /** The public pages, by a name for messages, as paths on the main server. */
  private static Map<String, String> pages() {
    Map<String, String> pages = new LinkedHashMap<>();
    pages.put("home", "/");
    pages.put("home with an error", "/track?numbers=%3B");
    pages.put("results", "/track?numbers=" + String.join(",", everyNumber()));
    pages.put("permalink", "/track/" + PIECES.get(TrackingStatus.DELIVERED));
    pages.put("privacy", "/privacy");
    pages.put("privacy/me", "/privacy/me");
    pages.put("transparency", "/transparency");
    pages.put("help", "/help");
    pages.put("docs", "/docs");
    pages.put("problem", "/problems/invalid-tracking-number");
    pages.put("not found", "/no/such/page");
    return pages;
  }

  /** Every piece, then a wrong check digit, another carrier's number and an unknown one. */
  private static List<String> everyNumber() {
    List<String> numbers = new ArrayList<>(PIECES.values());
    String delivered = PIECES.get(TrackingStatus.DELIVERED);
    numbers.add(delivered.substring(0, 21) + (char) ('0' + (delivered.charAt(21) - '0' + 1) % 10));
    numbers.add(UPS_NUMBER);
    numbers.add(TrackingNumber.issueImpb("055", "876543", 4242).value());
    return numbers;
  }

  @Test
  void noPageIsWiderThanThePhoneOrDesktopWindowInAnyLanguage() {
    List<String> wider = new ArrayList<>();
    for (int width : WIDTHS) {
      resize(width);
      for (String lang : LANGUAGES) {
        for (var page : pages().entrySet()) {
          open(app, page.getValue(), lang);
          if (overflows()) {
            wider.add(page.getKey() + " in " + lang + " at " + width + " px: " + widest());
          }
        }
        openRefused(lang);
        if (overflows()) {
          wider.add("the 429 page in " + lang + " at " + width + " px: " + widest());
        }
      }
    }
    assertThat(wider).as("pages wider than the window").isEmpty();
  }

  @Test
  void axeFindsNothingOnAnyPageInAnyLanguage() {
    List<String> violations = new ArrayList<>();
    for (int width : new int[] {390, 1280}) {
      resize(width);
      for (String lang : LANGUAGES) {
        for (var page : pages().entrySet()) {
          open(app, page.getValue(), lang);
          String found = axe();
          if (!found.equals("[]")) {
            violations.add(page.getKey() + " in " + lang + " at " + width + " px: " + found);
          }
        }
        openRefused(lang);
        String found = axe();
        if (!found.equals("[]")) {
          violations.add("the 429 page in " + lang + " at " + width + " px: " + found);
        }
      }
    }
    assertThat(violations).as("axe-core violations").isEmpty();
  }

  @Test
  void eachStatusSaysWhatToDoNext() {
    resize(1280);
    open(app, "/track?numbers=" + String.join(",", PIECES.values()), "en");
    Text english = Text.of(Language.EN);
    for (TrackingStatus status : TrackingStatus.values()) {
      if (status == TrackingStatus.DELIVERY_ATTEMPTED
          || status == TrackingStatus.AVAILABLE_FOR_PICKUP) {
        continue;
      }
      String key =
          status == TrackingStatus.IN_TRANSIT ? "next.IN_TRANSIT.late" : "next." + status.name();
      assertThat(next(status).getText()).as("next step of %s", status).contains(english.get(key));
    }
    WebElement attempted = next(TrackingStatus.DELIVERY_ATTEMPTED);
    assertThat(
            attempted.findElement(By.linkText("Ask for another delivery")).getDomAttribute("href"))
        .isEqualTo(REDELIVERY);
    assertThat(attempted.getText())
        .contains("Or collect it at LOUISVILLE, KY 40202, by")
        .contains("We keep it for 15 days")
        .contains("Opening hours: Mon–Fri 9:00–17:00");
    WebElement pickup = next(TrackingStatus.AVAILABLE_FOR_PICKUP);
    assertThat(pickup.getText())
        .contains("Collect it at LOUISVILLE, KY 40202 by")
        .contains("Bring the tracking number and a photo ID.");
    for (TrackingStatus status :
        List.of(TrackingStatus.ALERT, TrackingStatus.RETURN_TO_SENDER, TrackingStatus.DELIVERED)) {
      assertThat(next(status).findElement(By.linkText("help@post.example")).getDomAttribute("href"))
          .as("%s says whom to contact", status)
          .isEqualTo("mailto:help@post.example");
    }

    WebElement late = card(TrackingStatus.IN_TRANSIT);
    assertThat(late.findElement(By.cssSelector(".late")).getText())
        .startsWith("Running late. Was ")
        .contains(", now ");
    assertThat(late.findElements(By.cssSelector(".progress li")))
        .extracting(li -> li.getDomAttribute("class"))
        .containsExactly("done", "current", "todo", "todo");
    assertThat(
            card(TrackingStatus.DELIVERY_ATTEMPTED)
                .findElement(By.cssSelector(".progress li.current .step-exception"))
                .getText())
        .isEqualTo("Delivery attempted");
    assertThat(browser.findElements(By.cssSelector("[role=alert], [aria-live]")))
        .as("no card shouts: the results page has no live region at all")
        .isEmpty();

    open(app, "/track?numbers=" + String.join(",", PIECES.values()), "es");
    assertThat(next(TrackingStatus.DELIVERED).getText()).contains("¿No lo encuentra?");
    assertThat(card(TrackingStatus.ALERT).findElement(By.cssSelector(".banner-main")).getText())
        .isEqualTo("Requiere atención");
  }

  @Test
  void theResultsPageIsPhotographedForTheDocs() throws IOException {
    String numbers =
        String.join(
            ",",
            PIECES.get(TrackingStatus.IN_TRANSIT),
            PIECES.get(TrackingStatus.DELIVERY_ATTEMPTED),
            PIECES.get(TrackingStatus.DELIVERED));
    for (String lang : List.of("en", "es")) {
      for (int width : new int[] {390, 1280}) {
        resize(width);
        open(app, "/track?numbers=" + numbers, lang);
        long height =
            (Long)
                ((JavascriptExecutor) browser).executeScript("return document.body.scrollHeight");
        browser.manage().window().setSize(new Dimension(width, (int) Math.min(height + 20, 6000)));
        Path shot = SCREENSHOTS.resolve("results-" + lang + "-" + width + ".png");
        Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
        assertThat(Files.size(shot)).isGreaterThan(10_000);
      }
    }
  }

  // ---- helpers

  private static void resize(int width) {
    browser.manage().window().setSize(new Dimension(width, 900));
    long inner = (Long) ((JavascriptExecutor) browser).executeScript("return window.innerWidth");
    if (inner != width) {
      // the window's frame takes some pixels: widen it until the page itself is that wide
      browser.manage().window().setSize(new Dimension((int) (2 * width - inner), 900));
    }
    assertThat((Long) ((JavascriptExecutor) browser).executeScript("return window.innerWidth"))
        .as("the page's own width")
        .isEqualTo(width);
  }

  private static void open(TestApp server, String path, String lang) {
    String url = server.uri(path).toString();
    browser.get(url + (url.contains("?") ? "&" : "?") + "lang=" + lang);
    assertThat(browser.findElement(By.tagName("html")).getDomAttribute("lang")).isEqualTo(lang);
  }

  /**
   * The page of a lookup refused with 429: on the server that allows 35 numbers a minute, 35 are
   * asked for, then one more.
   */
  private static void openRefused(String lang) {
    List<String> many = new ArrayList<>();
    for (int serial = 1; serial <= 35; serial++) {
      many.add(TrackingNumber.issueImpb("055", "876543", serial).value());
    }
    open(limited, "/track?numbers=" + String.join(",", many), lang);
    open(limited, "/track/" + many.getFirst(), lang);
    assertThat(browser.findElement(By.tagName("h1")).getText())
        .isIn(
            "Too many requests", "Demasiadas consultas", "请求过多", "Blocked", "Bloqueado", "已被暂时封禁");
  }

  private static boolean overflows() {
    return (Boolean)
        ((JavascriptExecutor) browser)
            .executeScript("return document.documentElement.scrollWidth > window.innerWidth");
  }

  /** The element that sticks out furthest, for the failure message. */
  private static String widest() {
    return (String)
        ((JavascriptExecutor) browser)
            .executeScript(
                """
                let widest = null, right = 0;
                for (const e of document.querySelectorAll('body *')) {
                  const r = e.getBoundingClientRect().right;
                  if (r > right) { right = r; widest = e; }
                }
                return widest ? widest.tagName + '.' + widest.className + ' ends at ' + right
                  + ' of ' + window.innerWidth : 'nothing';
                """);
  }

  /** Runs axe-core on the page; its violations as short JSON, "[]" when none. */
  private static String axe() {
    JavascriptExecutor js = browser;
    js.executeScript(axe);
    Object result =
        js.executeAsyncScript(
            """
            const done = arguments[arguments.length - 1];
            axe.run(document, {resultTypes: ['violations']})
              .then(r => done(r.passes.length === 0 ? 'axe checked nothing' : JSON.stringify(r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.failureSummary)
              })))))
              .catch(e => done('axe failed: ' + e));
            """);
    return String.valueOf(result);
  }

  private static WebElement card(TrackingStatus status) {
    return browser.findElement(
        By.xpath(
            "//section[contains(@class, 'result')][h2[normalize-space() = '"
                + PIECES.get(status)
                + "']]"));
  }

  private static WebElement next(TrackingStatus status) {
    return card(status).findElement(By.cssSelector(".next"));
  }

  // ---- fixtures: one piece in each status, scanned around now

  private static void seed() {
    long shipper = app.app().apiKeys().create("Browser Test Shipper").shipper().id();
    OffsetDateTime now =
        Instant.now().truncatedTo(ChronoUnit.MINUTES).atOffset(ZoneOffset.ofHours(-5));
    // accepted a week of business days ago: a Priority piece (2 days) is late by now
    OffsetDateTime accepted = businessDaysBefore(now, 6);
    List<ScanEvent> scans = new ArrayList<>();
    for (TrackingStatus status : TrackingStatus.values()) {
      String number =
          app.app()
              .shipments()
              .register(
                  shipper,
                  new ShipmentRegistry.Request(Service.PRIORITY, null, HOUSTON, LOUISVILLE, null))
              .trackingNumber();
      PIECES.put(status, number);
      scans.add(scan(number, EventType.LABEL_CREATED, accepted.minusHours(3), HOUSTON, null));
      if (status == TrackingStatus.PRE_TRANSIT) {
        continue;
      }
      scans.add(scan(number, EventType.ACCEPTED, accepted, HOUSTON, null));
      scans.add(scan(number, EventType.ARRIVED, now.minusHours(20), MEMPHIS, null));
      EventType last =
          switch (status) {
            case IN_TRANSIT -> EventType.DEPARTED;
            case OUT_FOR_DELIVERY -> EventType.OUT_FOR_DELIVERY;
            case DELIVERY_ATTEMPTED -> EventType.DELIVERY_ATTEMPTED;
            case AVAILABLE_FOR_PICKUP -> EventType.AVAILABLE_FOR_PICKUP;
            case DELIVERED -> EventType.DELIVERED;
            case RETURN_TO_SENDER -> EventType.RETURN_TO_SENDER;
            default -> EventType.ALERT;
          };
      Location where = status == TrackingStatus.IN_TRANSIT ? MEMPHIS : LOUISVILLE;
      String words = status == TrackingStatus.ALERT ? "Address incomplete, held at depot" : null;
      scans.add(scan(number, last, now.minusHours(2), where, words));
    }
    List<EventIngestion.Item> items = new ArrayList<>();
    for (ScanEvent event : scans) {
      items.add(new EventIngestion.Valid(items.size(), event));
    }
    assertThat(app.app().ingestion().ingest(items).rejected()).isEmpty();
  }

  private static OffsetDateTime businessDaysBefore(OffsetDateTime time, int days) {
    OffsetDateTime day = time;
    int counted = 0;
    while (counted < days) {
      day = day.minusDays(1);
      DayOfWeek weekday = day.getDayOfWeek();
      if (weekday != DayOfWeek.SATURDAY && weekday != DayOfWeek.SUNDAY) {
        counted++;
      }
    }
    return day;
  }

  private static int sequence;

  private static ScanEvent scan(
      String number, EventType type, OffsetDateTime time, Location where, String words) {
    return new ScanEvent(
        "pages-" + (++sequence), TrackingNumber.parse(number), type, time, where, words);
  }
}
