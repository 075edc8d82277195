package org.waypost.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.waypost.governance.Role;
import org.waypost.testing.Browser;
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
  private static final String PASSWORD = "correct horse battery staple";
  private static final String LOOKED_UP_FROM = "203.0.113.99";
  private static final String BYSTANDER = "198.51.100.23";
  private static final String FIREFOX =
      "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

  @TempDir static Path dir;

  private static TestApp app;
  private static Browser browser;
  private static String parcel;

  @BeforeAll
  static void startServerAndBrowser() {
    app =
        TestApp.start(
            StoreKind.SQLITE,
            dir,
            Clock.systemUTC(),
            Map.of("server.trustedProxies", "127.0.0.0/8,::1"));
    seed();
    browser = Browser.start(app, dir.resolve("chrome-profile"), false);
  }

  @AfterAll
  static void stop() {
    Browser.close(browser, app);
  }

  @Test
  void aSubpoenaIsFiledApprovedByAnotherOperatorAndExecutedOnce() {
    browser
        .driver()
        .get(
            "data:text/html,<p id=js>off</p><script>document.getElementById('js').textContent='on'</script>");
    assertThat(browser.driver().findElement(By.id("js")).getText())
        .as("this browser really runs no page script")
        .isEqualTo("off");

    logIn("lena");
    browser.driver().findElement(By.linkText("Legal requests")).click();
    waitForTitle("Legal requests");
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    assertThat(browser.driver().findElement(By.id("from")).getDomProperty("value"))
        .isEqualTo(today);
    assertThat(browser.driver().findElement(By.id("to")).getDomProperty("value")).isEqualTo(today);
    type("authority", "U.S. District Court for the Western District of Louisiana");
    new Select(browser.driver().findElement(By.id("process"))).selectByVisibleText("Subpoena");
    type("caseReference", "2026-CR-0042");
    type("trackingNumbers", spaced(parcel));
    submit("form.filing-form button[type='submit']");
    String request = browser.driver().getCurrentUrl();
    assertThat(request).matches(".*/operator/legal/\\d+");
    assertThat(text(".legal-status")).isEqualTo("Pending");
    assertThat(text("dd.numbers")).isEqualTo(parcel);
    assertThat(browser.driver().findElements(By.cssSelector("form.approve-form")))
        .as("filing is not approving")
        .isEmpty();
    logOut();

    logIn("piet");
    browser.driver().get(request);
    assertThat(text(".legal-status")).isEqualTo("Pending");
    submit("form.approve-form button");
    assertThat(browser.driver().getCurrentUrl()).isEqualTo(request);
    assertThat(text(".legal-status")).isEqualTo("Approved");
    logOut();

    logIn("lena");
    browser.driver().get(request);
    submit("form.execute-form button");
    assertThat(text(".legal-status")).isEqualTo("Disclosed");
    WebElement disclosure = browser.driver().findElement(By.cssSelector("section.disclosure"));
    assertThat(disclosure.findElement(By.tagName("h2")).getText()).isEqualTo("Disclosure");
    List<WebElement> rows = disclosure.findElements(By.cssSelector("table tbody tr"));
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).findElement(By.tagName("th")).getText()).isEqualTo(parcel);
    assertThat(rows.get(0).findElement(By.cssSelector("td.ip")).getText())
        .isEqualTo(LOOKED_UP_FROM);
    assertThat(rows.get(0).getText()).contains(today).contains("Firefox");
    assertThat(disclosure.getText()).doesNotContain(BYSTANDER);

    browser.driver().get(request);
    assertThat(browser.driver().findElements(By.cssSelector("section.disclosure")))
        .as("the disclosure is not stored: shown once")
        .isEmpty();
    assertThat(text("dd.records-disclosed")).isEqualTo("1");
    assertThat(browser.driver().getPageSource()).doesNotContain(LOOKED_UP_FROM);
    logOut();

    logIn("piet");
    browser.driver().findElement(By.linkText("Audit log")).click();
    waitForTitle("Audit log");
    assertThat(text(".verification")).startsWith("Chain verified.");
    WebElement entries = browser.driver().findElement(By.cssSelector("table.audit-entries"));
    assertThat(entries.findElement(By.tagName("caption")).getText()).endsWith("newest first");
    assertThat(entries.findElements(By.cssSelector("tbody tr"))).hasSizeGreaterThanOrEqualTo(3);
    assertThat(entries.getText()).contains("lena").contains("piet");
    logOut();
  }

  @Test
  void theLoginFormIsLabelledAndAnnouncesAFailure() {
    browser.driver().get(url("/operator/login"));
    WebElement label = browser.driver().findElement(By.cssSelector("label[for='name']"));
    label.click();
    assertThat(browser.driver().switchTo().activeElement())
        .as("clicking the label focuses the field it names")
        .isEqualTo(browser.driver().findElement(By.id("name")));
    type("name", "lena");
    type("password", "not the password");
    submit("form.login-form button[type='submit']");
    assertThat(browser.driver().getTitle()).startsWith("Operator login");
    assertThat(text("[role='alert']")).isEqualTo("The name or password is not correct.");
    assertThat(browser.driver().findElement(By.id("name")).getDomProperty("value"))
        .isEqualTo("lena");
    assertThat(browser.driver().findElement(By.id("password")).getDomAttribute("aria-describedby"))
        .isEqualTo("login-error");
    assertThat(browser.driver().findElements(By.tagName("script"))).isEmpty();
  }

  // ---- steps

  private static void logIn(String name) {
    browser.logIn(name, PASSWORD);
    assertThat(text(".operator-name")).isEqualTo(name);
  }

  private static void logOut() {
    browser.logOut();
    browser.open("/operator");
    assertThat(browser.driver().getTitle()).as("logged out").startsWith("Operator login");
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

  // ---- helpers

  private static String url(String path) {
    return browser.url(path);
  }

  private static void type(String id, String text) {
    browser.type(id, text);
  }

  private static void submit(String buttonCss) {
    browser.submit(buttonCss);
  }

  private static String text(String css) {
    return browser.text(css);
  }

  private static void waitForTitle(String prefix) {
    browser.waitForTitle(prefix);
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
