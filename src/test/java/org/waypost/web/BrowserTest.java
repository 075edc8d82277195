package org.waypost.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.waypost.catalog.Service;
import org.waypost.testing.Chromium;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.tracking.EventIngestion;
import org.waypost.tracking.EventType;
import org.waypost.tracking.Location;
import org.waypost.tracking.ScanEvent;
import org.waypost.tracking.ShipmentRegistry;
import org.waypost.tracking.TrackingNumber;

/**
 * The tracking pages as a person uses them: headless Debian Chromium, driven by Selenium, against a
 * real server holding one piece in transit and one delivered. Chromium is required, never optional:
 * without it this class fails and says how to install it.
 */
class BrowserTest {
  private static final Duration WAIT = Chromium.WAIT;
  private static final String UPS_NUMBER = "1Z5R89390357567127";
  private static final String SCRIPT = "<script>alert(1)</script>";

  private static final ZoneOffset NEW_YORK = ZoneOffset.ofHours(-5);
  private static final ZoneOffset LOS_ANGELES = ZoneOffset.ofHours(-8);
  private static final Location NEW_YORK_PO = new Location("New York", "NY", "10001", "US");
  private static final Location NEW_YORK_PDC = new Location("Jersey City", "NJ", "07097", "US");
  private static final Location LOS_ANGELES_PDC = new Location("Los Angeles", "CA", "90052", "US");
  private static final Location LOS_ANGELES_PO = new Location("Los Angeles", "CA", "90012", "US");
  private static final Location FAIRFAX_PO = new Location("Fairfax", "VA", "22032", "US");

  @TempDir static Path dir;

  private static TestApp app;
  private static WebDriver browser;
  private static String inTransit;
  private static String delivered;

  @BeforeAll
  static void startServerAndBrowser() {
    app = TestApp.start(StoreKind.SQLITE, dir);
    seed();
    browser = Chromium.start(dir.resolve("chrome-profile"));
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        browser.quit(); // stops its chromedriver too
      }
    } finally {
      if (app != null) {
        app.close();
      }
    }
  }

  @Test
  void tracksSeveralNumbersTypedIntoTheHomePage() {
    browser.get(url("/"));

    WebElement label = browser.findElement(By.cssSelector("label[for='numbers']"));
    WebElement box = browser.findElement(By.id("numbers"));
    assertThat(label.isDisplayed()).as("the textarea's label is visible").isTrue();
    assertThat(label.getText()).isEqualTo("Tracking numbers");
    assertThat(box.getTagName()).isEqualTo("textarea");
    label.click();
    assertThat(browser.switchTo().activeElement())
        .as("clicking the label focuses the textarea it names")
        .isEqualTo(box);

    String badCheckDigit = withWrongCheckDigit(inTransit);
    box.sendKeys(
        String.join("\n", spacedAndDashed(inTransit), delivered, badCheckDigit, UPS_NUMBER));
    submit(browser);

    assertThat(browser.getTitle())
        .as("the title names what the numbers' statuses add up to")
        .isEqualTo("1 delivered, 1 on the way, 2 not found or not valid · Example Post Tracking");
    assertThat(browser.getCurrentUrl()).contains("/track?");
    assertThat(browser.findElements(By.cssSelector("section.result")))
        .extracting(section -> section.findElement(By.tagName("h2")).getText())
        .containsExactly(inTransit, delivered, badCheckDigit, UPS_NUMBER);

    WebElement moving = section(inTransit);
    assertThat(moving.findElement(By.cssSelector(".banner-scan")).getText())
        .isEqualTo("In transit: Arrived at Los Angeles facility · LOS ANGELES, CA 90052");
    assertThat(moving.findElement(By.cssSelector(".banner-label")).getText())
        .isEqualTo("Expected delivery");
    assertThat(moving.findElement(By.cssSelector(".estimate-note")).getText())
        .isEqualTo("An estimate from the service standard, not a scan.");
    List<WebElement> history = moving.findElements(By.cssSelector("ul.history > li"));
    assertThat(history)
        .extracting(item -> item.findElement(By.cssSelector(".what")).getText())
        .as("scan history, newest first")
        .containsExactly(
            "Arrived at Los Angeles facility",
            "Departed New York facility",
            "Processed at New York facility",
            "Accepted at New York post office");
    // The Los Angeles scan reads earlier on the clock than the one before it (UTC-8 against
    // UTC-5), but happened later: the order is by instant, not by wall-clock text.
    assertThat(history)
        .extracting(item -> Instant.from(OffsetDateTime.parse(timeOf(item))))
        .isSortedAccordingTo(Comparator.reverseOrder());
    assertThat(history.get(0).findElement(By.cssSelector(".where")).getText())
        .isEqualTo("LOS ANGELES, CA 90052");

    WebElement done = section(delivered);
    assertThat(done.findElement(By.cssSelector(".banner-label")).getText()).isEqualTo("Delivered");
    assertThat(done.findElements(By.cssSelector(".estimate-note")))
        .as("a delivered piece has no estimate")
        .isEmpty();

    assertThat(section(badCheckDigit).findElement(By.cssSelector(".problem p")).getText())
        .isEqualTo(
            "Not a valid tracking number. The check digit does not match. Please check for a"
                + " typing error.");
    WebElement ups = section(UPS_NUMBER).findElement(By.cssSelector(".problem"));
    assertThat(ups.getText())
        .contains("This looks like another carrier’s tracking number.")
        .contains("Example Post tracks only its own");
    assertThat(ups.findElement(By.linkText("Track it with UPS")).getDomAttribute("href"))
        .contains(UPS_NUMBER);
  }

  @Test
  void scriptTypedIntoTheBoxComesBackAsText() {
    browser.get(url("/"));
    browser.findElement(By.id("numbers")).sendKeys(delivered + "\n" + SCRIPT);
    submit(browser);

    // Numbers are upper-cased, so the markup comes back as <SCRIPT>ALERT(1)</SCRIPT>: still a
    // script element if it were not escaped.
    assertThat(browser.findElements(By.cssSelector("section.result h2")))
        .extracting(WebElement::getText)
        .containsExactly(delivered, "<SCRIPT>ALERT(1)</SCRIPT>");
    assertNoScriptRan();

    // "Change numbers" carries the query back into the textarea, where it must stay text too.
    browser.findElement(By.linkText("Change numbers")).click();
    new WebDriverWait(browser, WAIT).until(ExpectedConditions.titleContains("Track a package"));
    assertThat(browser.findElement(By.id("numbers")).getDomProperty("value"))
        .isEqualTo(delivered + "\n<SCRIPT>ALERT(1)</SCRIPT>");
    assertNoScriptRan();

    // Unnormalized, lower-case, and trying to close the textarea first.
    String breakout = "</textarea>" + SCRIPT;
    browser.get(url("/?numbers=" + URLEncoder.encode(breakout, StandardCharsets.UTF_8)));
    assertThat(browser.findElement(By.id("numbers")).getDomProperty("value")).isEqualTo(breakout);
    assertNoScriptRan();
  }

  @Test
  void formReachesResultsWithJavaScriptDisabled() {
    ChromeOptions options = Chromium.options(dir.resolve("chrome-profile-no-js"));
    options.setExperimentalOption(
        "prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
    WebDriver noScript = Chromium.start(options);
    try {
      String probe =
          "data:text/html,<p id=js>off</p><script>document.getElementById('js').textContent='on'</script>";
      noScript.get(probe);
      assertThat(noScript.findElement(By.id("js")).getText())
          .as("this browser really runs no page script")
          .isEqualTo("off");

      noScript.get(url("/"));
      noScript.findElement(By.id("numbers")).sendKeys(spacedAndDashed(inTransit));
      submit(noScript);

      assertThat(noScript.findElements(By.cssSelector("section.result h2")))
          .extracting(WebElement::getText)
          .containsExactly(inTransit);
      assertThat(noScript.findElement(By.cssSelector("section.result .banner-scan")).getText())
          .startsWith("In transit:");
    } finally {
      noScript.quit();
    }
  }

  // ---- fixtures

  /** A piece from New York to Los Angeles, four scans in; and one delivered days ago. */
  private static void seed() {
    long shipper = app.app().apiKeys().create("Browser Test Shipper").shipper().id();
    inTransit = register(shipper, NEW_YORK_PO, LOS_ANGELES_PO);
    delivered = register(shipper, LOS_ANGELES_PDC, FAIRFAX_PO);

    OffsetDateTime start =
        Instant.now()
            .minus(Duration.ofHours(30))
            .truncatedTo(ChronoUnit.MINUTES)
            .atOffset(NEW_YORK);
    OffsetDateTime sent = start.minusDays(4);
    List<ScanEvent> scans =
        List.of(
            scan(
                inTransit,
                1,
                EventType.ACCEPTED,
                start,
                NEW_YORK_PO,
                "Accepted at New York post office"),
            scan(
                inTransit,
                2,
                EventType.PROCESSED,
                start.plusHours(4),
                NEW_YORK_PDC,
                "Processed at New York facility"),
            scan(
                inTransit,
                3,
                EventType.DEPARTED,
                start.plusHours(6),
                NEW_YORK_PDC,
                "Departed New York facility"),
            scan(
                inTransit,
                4,
                EventType.ARRIVED,
                start.plusHours(8).withOffsetSameInstant(LOS_ANGELES),
                LOS_ANGELES_PDC,
                "Arrived at Los Angeles facility"),
            scan(delivered, 1, EventType.ACCEPTED, sent, LOS_ANGELES_PDC, null),
            scan(delivered, 2, EventType.OUT_FOR_DELIVERY, sent.plusDays(1), FAIRFAX_PO, null),
            scan(
                delivered,
                3,
                EventType.DELIVERED,
                sent.plusDays(1).plusHours(5),
                FAIRFAX_PO,
                null));
    List<EventIngestion.Valid> items = new ArrayList<>();
    for (ScanEvent event : scans) {
      items.add(new EventIngestion.Valid(items.size(), event));
    }
    EventIngestion.Outcome outcome = app.app().ingestion().ingest(items);
    assertThat(outcome.rejected()).isEmpty();
    assertThat(outcome.accepted()).isEqualTo(scans.size());
  }

  private static String register(long shipper, Location from, Location to) {
    return app.app()
        .shipments()
        .register(shipper, new ShipmentRegistry.Request(Service.PRIORITY, null, from, to, null))
        .trackingNumber();
  }

  private static ScanEvent scan(
      String number,
      int n,
      EventType type,
      OffsetDateTime time,
      Location where,
      String description) {
    return new ScanEvent(
        "browser-" + number + "-" + n,
        TrackingNumber.parse(number),
        type,
        time,
        where,
        description);
  }

  // ---- helpers

  private static String url(String path) {
    return app.uri(path).toString();
  }

  private static void submit(WebDriver driver) {
    driver.findElement(By.cssSelector("form.track-form button[type='submit']")).click();
    new WebDriverWait(driver, WAIT).until(ExpectedConditions.urlContains("/track?"));
  }

  private static WebElement section(String number) {
    return browser.findElement(
        By.xpath(
            "//section[contains(@class, 'result')][h2[normalize-space() = '" + number + "']]"));
  }

  private static String timeOf(WebElement item) {
    return item.findElement(By.tagName("time")).getDomAttribute("datetime");
  }

  /** The layout has no script at all, so any script element came from the input. */
  private static void assertNoScriptRan() {
    assertThat(browser.findElements(By.tagName("script"))).isEmpty();
    assertThatThrownBy(() -> browser.switchTo().alert())
        .isInstanceOf(NoAlertPresentException.class);
  }

  /** "9400 1118-9922 ..." as printed on a label: groups of four, one dash. */
  private static String spacedAndDashed(String number) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < number.length(); i += 4) {
      if (i > 0) {
        out.append(i == 4 ? "-" : " ");
      }
      out.append(number, i, Math.min(i + 4, number.length()));
    }
    return out.toString();
  }

  private static String withWrongCheckDigit(String number) {
    int last = number.length() - 1;
    char wrong = (char) ('0' + (number.charAt(last) - '0' + 1) % 10);
    return number.substring(0, last) + wrong;
  }
}
