package org.waypost.testing;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium, driven by Selenium, for the tests of the public pages. Chromium is
 * required, never optional: without it a browser test fails and says how to install it.
 */
public final class Chromium {
  // Debian's packages, named explicitly: otherwise Selenium Manager tries to download a driver.
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /** How long a page may take to load or a condition to come true. */
  public static final Duration WAIT = Duration.ofSeconds(15);

  private Chromium() {}

  /** A browser with its own profile under {@code profile}; quitting it stops its driver. */
  public static ChromeDriver start(Path profile) {
    return start(options(profile));
  }

  public static ChromeDriver start(ChromeOptions options) {
    for (Path binary : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(binary)) {
        fail(
            binary
                + " is missing: the browser tests need Debian's Chromium and its driver."
                + " Run `apt-get install -y chromium chromium-driver` (as root).");
      }
    }
    ChromeDriver browser = new ChromeDriver(driverService(), options);
    browser.manage().timeouts().pageLoadTimeout(WAIT);
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
    return browser;
  }

  /** A chromedriver of its own for each browser: quitting a browser stops its driver. */
  private static ChromeDriverService driverService() {
    return new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
  }

  /** The options every browser test starts from (NOTES.md has why each flag is there). */
  public static ChromeOptions options(Path profile) {
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
        "--hide-scrollbars",
        "--window-size=1280,900",
        "--user-data-dir=" + profile);
    return options;
  }
}
