package org.waypost.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.waypost.governance.Role;
import org.waypost.testing.Fixtures;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/**
 * The dual-authorization story in a real browser with JavaScript switched off: a legal operator
 * files a subpoena for a parcel, a privacy operator approves it, the legal operator executes it and
 * sees the address that looked the parcel up; the audit log then verifies. Headless Debian
 * Chromium, required rather than optional: without it this class fails and says how to install it.
 */
class ConsoleBrowserTest {
  // Debian's packages, named explicitly: otherwise Selenium Manager tries to download a driver.
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String PASSWORD = "correct horse battery staple";
  private static final String LOOKED_UP_FROM = "203.0.113.99";
  private static final String BYSTANDER = "198.51.100.23";
  private static final String FIREFOX =
      "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

  @TempDir static Path dir;

  private static TestApp app;
  private static WebDriver browser;
  private static String parcel;

  @BeforeAll
  static void startServerAndBrowser() {
    requireChromium();
    app =
        TestApp.start(
            StoreKind.SQLITE,
            dir,
            Clock.systemUTC(),
            Map.of("server.trustedProxies", "127.0.0.0/8,::1"));
    seed();
    browser = new ChromeDriver(driverService(), chromeOptions());
    browser.manage().timeouts().pageLoadTimeout(WAIT);
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
  void aSubpoenaIsFiledApprovedByAnotherOperatorAndExecutedOnce() {
    browser.get(
        "data:text/html,<p id=js>off</p><script>document.getElementById('js').textContent='on'</script>");
    assertThat(browser.findElement(By.id("js")).getText())
        .as("this browser really runs no page script")
        .isEqualTo("off");

    logIn("lena");
    browser.findElement(By.linkText("Legal requests")).click();
    waitForTitle("Legal requests");
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    assertThat(browser.findElement(By.id("from")).getDomProperty("value")).isEqualTo(today);
    assertThat(browser.findElement(By.id("to")).getDomProperty("value")).isEqualTo(today);
    type("authority", "U.S. District Court for the Western District of Louisiana");
    new Select(browser.findElement(By.id("process"))).selectByVisibleText("Subpoena");
    type("caseReference", "2026-CR-0042");
    type("trackingNumbers", spaced(parcel));
    submit("form.filing-form button[type='submit']");
    String request = browser.getCurrentUrl();
    assertThat(request).matches(".*/operator/legal/\\d+");
    assertThat(text(".legal-status")).isEqualTo("Pending");
    assertThat(text("dd.numbers")).isEqualTo(parcel);
    assertThat(browser.findElements(By.cssSelector("form.approve-form")))
        .as("filing is not approving")
        .isEmpty();
    logOut();

    logIn("piet");
    browser.get(request);
    assertThat(text(".legal-status")).isEqualTo("Pending");
    submit("form.approve-form button");
    assertThat(browser.getCurrentUrl()).isEqualTo(request);
    assertThat(text(".legal-status")).isEqualTo("Approved");
    logOut();

    logIn("lena");
    browser.get(request);
    submit("form.execute-form button");
    assertThat(text(".legal-status")).isEqualTo("Disclosed");
    WebElement disclosure = browser.findElement(By.cssSelector("section.disclosure"));
    assertThat(disclosure.findElement(By.tagName("h2")).getText()).isEqualTo("Disclosure");
    List<WebElement> rows = disclosure.findElements(By.cssSelector("table tbody tr"));
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).findElement(By.tagName("th")).getText()).isEqualTo(parcel);
    assertThat(rows.get(0).findElement(By.cssSelector("td.ip")).getText())
        .isEqualTo(LOOKED_UP_FROM);
    assertThat(rows.get(0).getText()).contains(today).contains("Firefox");
    assertThat(disclosure.getText()).doesNotContain(BYSTANDER);

    browser.get(request);
    assertThat(browser.findElements(By.cssSelector("section.disclosure")))
        .as("the disclosure is not stored: shown once")
        .isEmpty();
    assertThat(text("dd.records-disclosed")).isEqualTo("1");
    assertThat(browser.getPageSource()).doesNotContain(LOOKED_UP_FROM);
    logOut();

    logIn("piet");
    browser.findElement(By.linkText("Audit log")).click();
    waitForTitle("Audit log");
    assertThat(text(".verification")).startsWith("Chain verified.");
    WebElement entries = browser.findElement(By.cssSelector("table.audit-entries"));
    assertThat(entries.findElement(By.tagName("caption")).getText()).endsWith("newest first");
    assertThat(entries.findElements(By.cssSelector("tbody tr"))).hasSizeGreaterThanOrEqualTo(3);
    assertThat(entries.getText()).contains("lena").contains("piet");
    logOut();
  }

  @Test
  void theLoginFormIsLabelledAndAnnouncesAFailure() {
    browser.get(url("/operator/login"));
    WebElement label = browser.findElement(By.cssSelector("label[for='name']"));
    label.click();
    assertThat(browser.switchTo().activeElement())
        .as("clicking the label focuses the field it names")
        .isEqualTo(browser.findElement(By.id("name")));
    type("name", "lena");
    type("password", "not the password");
    submit("form.login-form button[type='submit']");
    assertThat(browser.getTitle()).startsWith("Operator login");
    assertThat(text("[role='alert']")).isEqualTo("The name or password is not correct.");
    assertThat(browser.findElement(By.id("name")).getDomProperty("value")).isEqualTo("lena");
    assertThat(browser.findElement(By.id("password")).getDomAttribute("aria-describedby"))
        .isEqualTo("login-error");
    assertThat(browser.findElements(By.tagName("script"))).isEmpty();
  }

  // ---- steps

  private static void logIn(String name) {
    browser.get(url("/operator/login"));
    type("name", name);
    type("password", PASSWORD);
    submit("form.login-form button[type='submit']");
    waitForTitle("Operator console");
    assertThat(text(".operator-name")).isEqualTo(name);
  }

  private static void logOut() {
    submit("form.logout-form button");
    waitForTitle("Operator login");
    browser.get(url("/operator"));
    assertThat(browser.getTitle()).as("logged out").startsWith("Operator login");
  }

  // ---- fixtures

  /**
   * Two operators, a parcel, and two lookups through the trusted loopback proxy: the parcel from
   * {@link #LOOKED_UP_FROM} in Firefox, another number from a bystander.
   */
  private static void seed() {
    app.app().operators().add("lena", Set.of(Role.LEGAL), PASSWORD);
    app.app().operators().add("piet", Set.of(Role.PRIVACY), PASSWORD);
    long shipper = app.app().apiKeys().create("Browser Test Shipper").shipper().id();
    parcel = app.app().shipments().register(shipper, Fixtures.priorityToFairfax()).trackingNumber();
    String other =
        app.app().shipments().register(shipper, Fixtures.priorityToFairfax()).trackingNumber();
    assertThat(
            app.get(
                    "/api/v1/tracking/" + parcel,
                    "X-Forwarded-For",
                    LOOKED_UP_FROM,
                    "User-Agent",
                    FIREFOX)
                .status())
        .isEqualTo(200);
    assertThat(app.get("/api/v1/tracking/" + other, "X-Forwarded-For", BYSTANDER).status())
        .isEqualTo(200);
    app.app().capture().flush();
  }

  private static void requireChromium() {
    for (Path binary : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(binary)) {
        fail(
            binary
                + " is missing: the browser tests need Debian's Chromium and its driver."
                + " Run `apt-get install -y chromium chromium-driver` (as root).");
      }
    }
  }

  private static ChromeDriverService driverService() {
    return new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
  }

  /** Headless, and with page scripts off: the console must work without them. */
  private static ChromeOptions chromeOptions() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--user-data-dir=" + dir.resolve("chrome-profile"));
    options.setExperimentalOption(
        "prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
    return options;
  }

  // ---- helpers

  private static String url(String path) {
    return app.uri(path).toString();
  }

  private static void type(String id, String text) {
    WebElement field = browser.findElement(By.id(id));
    field.clear();
    field.sendKeys(text);
  }

  /**
   * Clicks a form's button and waits until the page it leads to has replaced this one, down to its
   * footer.
   */
  private static void submit(String buttonCss) {
    WebElement button = browser.findElement(By.cssSelector(buttonCss));
    button.click();
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    wait.until(d -> isDetached(button));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("footer.site-footer")));
  }

  /**
   * Whether the element has left the document. Chrome sometimes answers a question about a node of
   * the page being replaced with "does not belong to the document" instead of a stale-element
   * error; both mean the same here.
   */
  private static boolean isDetached(WebElement element) {
    try {
      element.isEnabled();
      return false;
    } catch (StaleElementReferenceException e) {
      return true;
    } catch (WebDriverException e) {
      if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
        return true;
      }
      throw e;
    }
  }

  private static String text(String css) {
    return browser.findElement(By.cssSelector(css)).getText();
  }

  private static void waitForTitle(String prefix) {
    new WebDriverWait(browser, WAIT).until(ExpectedConditions.titleContains(prefix));
  }

  /** "9400 1118 9922 ..." as printed on a label. */
  private static String spaced(String number) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < number.length(); i += 4) {
      out.append(i == 0 ? "" : " ").append(number, i, Math.min(i + 4, number.length()));
    }
    return out.toString();
  }
}
