package org.waypost.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium, driven through Selenium, and what the browser tests ask of it: forms,
 * widths, axe-core and screenshots. Required rather than optional: without Chromium the test fails
 * and says how to install it.
 *
 * <p>With page scripts switched off the console is seen as by someone who allows none (it must work
 * without them); WebDriver still runs the short scripts a test asks for, such as a width. axe-core
 * needs timers, which run only with scripts on: Waypost's pages carry no script and their policy
 * allows none, so turning them on changes nothing of what is checked.
 */
public final class Browser implements AutoCloseable {
  public static final Duration WAIT = Chromium.WAIT;

  private final WebDriver driver;
  private final TestServer server;

  private Browser(WebDriver driver, TestServer server) {
    this.driver = driver;
    this.server = server;
  }

  /**
   * A browser for {@code server}, its profile under {@code profile}.
   *
   * @param scripts whether pages may run scripts (axe-core needs them)
   */
  public static Browser start(TestServer server, Path profile, boolean scripts) {
    ChromeOptions options = Chromium.options(profile);
    if (!scripts) {
      options.setExperimentalOption(
          "prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
    }
    WebDriver driver = Chromium.start(options);
    return new Browser(driver, server);
  }

  public WebDriver driver() {
    return driver;
  }

  /** Opens {@code path} on the server. */
  public void open(String path) {
    driver.get(server.uri(path).toString());
  }

  public String url(String path) {
    return server.uri(path).toString();
  }

  // ---- forms

  public void type(String id, String text) {
    WebElement field = driver.findElement(By.id(id));
    field.clear();
    field.sendKeys(text);
  }

  /**
   * Clicks a form's button and waits until the page it leads to has replaced this one, down to its
   * footer.
   */
  public void submit(String buttonCss) {
    WebElement button = driver.findElement(By.cssSelector(buttonCss));
    button.click();
    WebDriverWait wait = new WebDriverWait(driver, WAIT);
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

  public String text(String css) {
    return driver.findElement(By.cssSelector(css)).getText();
  }

  public List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  public void waitForTitle(String prefix) {
    new WebDriverWait(driver, WAIT).until(ExpectedConditions.titleContains(prefix));
  }

  // ---- console sessions

  /** Logs in at the console and waits for its start page. */
  public void logIn(String name, String password) {
    open("/operator/login");
    type("name", name);
    type("password", password);
    submit("form.login-form button[type='submit']");
    waitForTitle("Operator console");
  }

  public void logOut() {
    submit("form.logout-form button");
    waitForTitle("Operator login");
  }

  // ---- layout

  /**
   * Resizes the window so that the page's viewport is {@code width} CSS pixels wide: the window may
   * be wider than its viewport by its frame, which is measured and added.
   */
  public void viewport(int width, int height) {
    int window = width;
    for (int attempt = 0; attempt < 3; attempt++) {
      driver.manage().window().setSize(new Dimension(window, height));
      long inner = settledViewportWidth();
      if (inner == width) {
        return;
      }
      window = Math.max(width, window + (int) (width - inner));
    }
  }

  /** The viewport's width once a resize has been laid out: the same twice in a row. */
  private long settledViewportWidth() {
    long last = -1;
    for (int i = 0; i < 40; i++) {
      long now = viewportWidth();
      if (now == last) {
        return now;
      }
      last = now;
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return last;
  }

  /** The width of the viewport, in CSS pixels. */
  public long viewportWidth() {
    return number("return window.innerWidth");
  }

  /** How wide the page is laid out: wider than the viewport means it scrolls sideways. */
  public long pageWidth() {
    return number("return document.documentElement.scrollWidth");
  }

  /** The dates on the page laid out over more than one line ("2026-" / "12-04"): none, we hope. */
  @SuppressWarnings("unchecked")
  public List<String> brokenDates() {
    return (List<String>)
        ((JavascriptExecutor) driver)
            .executeScript(
                "return [...document.querySelectorAll('time')]"
                    + ".filter(t => t.getClientRects().length > 1).map(t => t.textContent);");
  }

  private long number(String script) {
    return ((Number) ((JavascriptExecutor) driver).executeScript(script)).longValue();
  }

  /**
   * Opens {@code path} at 1280 and at 390 px and checks what every console page must hold there:
   * its title, no sideways scrolling, no date broken over two lines, nothing for axe; saves each as
   * a screenshot under target/screenshots.
   */
  public void checkPage(String path, String title) {
    for (int width : new int[] {1280, 390}) {
      viewport(width, 900);
      assertThat(viewportWidth()).isEqualTo(width);
      open(path);
      assertThat(driver.getTitle()).as(path).startsWith(title);
      checkShown(path, width);
      screenshotWholePage(
          Path.of("target/screenshots", path.replaceAll("[^a-z0-9]+", "-") + width + ".png"));
    }
    viewport(1280, 900);
  }

  /**
   * The page shown now, at {@code width}: no sideways scrolling, no broken date, nothing for axe.
   */
  public void checkShown(String what, int width) {
    viewport(width, 900);
    assertThat(pageWidth()).as("%s at %d px", what, width).isLessThanOrEqualTo(width);
    assertThat(brokenDates()).as("%s at %d px", what, width).isEmpty();
    assertThat(axeViolations()).as("%s at %d px", what, width).isEmpty();
  }

  // ---- accessibility and pictures

  /**
   * The accessibility violations axe-core finds on the current page (WCAG 2.x A and AA, and axe's
   * best practices), each as "rule: help (how many nodes)".
   */
  @SuppressWarnings("unchecked")
  public List<String> axeViolations() {
    JavascriptExecutor js = (JavascriptExecutor) driver;
    js.executeScript(AXE);
    Object result =
        js.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']})"
                + ".then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' ('"
                + " + v.nodes.length + ' nodes: ' + v.nodes.map(n => n.target.join(' ')).join(', ')"
                + " + ')')))"
                + ".catch(e => done(['axe failed: ' + e]));");
    return (List<String>) result;
  }

  /** Saves what the window shows as a PNG. */
  public void screenshot(Path png) {
    try {
      Files.createDirectories(png.toAbsolutePath().getParent());
      Files.write(png, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Saves the whole page, top to bottom, as a PNG at the current width. */
  public void screenshotWholePage(Path png) {
    Dimension before = driver.manage().window().getSize();
    long height = number("return document.documentElement.scrollHeight");
    driver.manage().window().setSize(new Dimension(before.getWidth(), (int) height + 100));
    try {
      screenshot(png);
    } finally {
      driver.manage().window().setSize(before);
    }
  }

  private static final String AXE = axe();

  /** axe-core's script, for a test that drives its own WebDriver. */
  public static String axeScript() {
    return AXE;
  }

  /** axe-core 4 (MPL-2.0), from the npm package, with its licence beside it. */
  private static String axe() {
    try (InputStream in = Browser.class.getResourceAsStream("/axe-core/axe.min.js")) {
      if (in == null) {
        throw new IllegalStateException("src/test/resources/axe-core/axe.min.js is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit(); // stops its chromedriver too
  }

  /** Closes the browser, then the server, either of which may not have started. */
  public static void close(Browser browser, TestApp app) {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (app != null) {
        app.close();
      }
    }
  }
}
