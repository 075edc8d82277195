package org.waypost.visitor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the aggregates count of a User-Agent: family, major version, OS, device class, and whether a
 * person or a program sent it. A wrong bot flag skews the bot share the operator reports.
 */
class UserAgentsTest {
  /** Loading uap's rules takes a moment: one parser for the class, as in the application. */
  private static final UserAgents USER_AGENTS = new UserAgents();

  private static final String CHROME_WINDOWS =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/124.0.0.0 Safari/537.36";
  private static final String SAFARI_IPHONE =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
          + " Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
  private static final String SAFARI_IPAD =
      "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
          + " Version/17.4 Mobile/15E148 Safari/604.1";
  private static final String FIREFOX_LINUX =
      "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0";
  private static final String GOOGLEBOT =
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
  private static final String CHROME_ANDROID_PHONE =
      "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/124.0.0.0 Mobile Safari/537.36";
  private static final String CHROME_ANDROID_TABLET =
      "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/124.0.0.0 Safari/537.36";
  private static final String SAFARI_MAC =
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
          + " Version/17.4 Safari/605.1.15";
  private static final String HEADLESS_CHROME =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " HeadlessChrome/124.0.0.0 Safari/537.36";

  private static Browser parse(String userAgent) {
    return USER_AGENTS.parse(userAgent);
  }

  @Test
  void chromeOnWindowsIsADesktopBrowser() {
    assertThat(parse(CHROME_WINDOWS))
        .isEqualTo(new Browser("Chrome", "124", "Windows", DeviceClass.DESKTOP, false));
  }

  @Test
  void safariOnIphoneIsMobile() {
    assertThat(parse(SAFARI_IPHONE))
        .isEqualTo(new Browser("Mobile Safari", "17", "iOS", DeviceClass.MOBILE, false));
  }

  @Test
  void firefoxOnLinuxIsADesktopBrowser() {
    assertThat(parse(FIREFOX_LINUX))
        .isEqualTo(new Browser("Firefox", "125", "Linux", DeviceClass.DESKTOP, false));
  }

  @Test
  void googlebotIsABot() {
    assertThat(parse(GOOGLEBOT))
        .isEqualTo(new Browser("Googlebot", "2", "Other", DeviceClass.BOT, true));
  }

  @Test
  void curlIsAScriptNotAPerson() {
    assertThat(parse("curl/8.5.0"))
        .isEqualTo(new Browser("curl", "8", "Other", DeviceClass.BOT, true));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   "})
  void noHeaderIsNone(String userAgent) {
    assertThat(parse(userAgent))
        .isEqualTo(new Browser("(none)", "", "Other", DeviceClass.OTHER, false));
  }

  @Test
  void tabletsAreToldFromPhones() {
    assertThat(parse(SAFARI_IPAD).device()).isEqualTo(DeviceClass.TABLET);
    assertThat(parse(CHROME_ANDROID_TABLET).device()).isEqualTo(DeviceClass.TABLET);
    assertThat(parse(CHROME_ANDROID_PHONE))
        .isEqualTo(new Browser("Chrome Mobile", "124", "Android", DeviceClass.MOBILE, false));
    assertThat(parse(SAFARI_MAC))
        .isEqualTo(new Browser("Safari", "17", "Mac OS X", DeviceClass.DESKTOP, false));
  }

  @ParameterizedTest
  @CsvSource({
    "Wget/1.21.4, Wget, 1",
    "python-requests/2.31.0, Python Requests, 2",
    "Go-http-client/2.0, Go-http-client, 2",
    "Java-http-client/21.0.2, Java-http-client, 21",
    "Java/1.8.0_392, Java, 8",
    "Apache-HttpClient/4.5.14 (Java/17.0.9), Apache-HttpClient, 4",
    "okhttp/4.12.0, okhttp, 4",
    "python-urllib3/2.2.1, urllib3, 2",
    "Python-urllib/3.11, Python-urllib, 3",
    "libwww-perl/6.72, libwww-perl, 6"
  })
  void httpClientLibrariesAreBots(String userAgent, String family, String major) {
    Browser browser = parse(userAgent);
    assertThat(browser.bot()).as(userAgent).isTrue();
    assertThat(browser.device()).isEqualTo(DeviceClass.BOT);
    assertThat(browser.family()).isEqualTo(family);
    assertThat(browser.major()).isEqualTo(major);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (compatible; ExampleFetcher/1.0; +https://example.org/fetcher)",
        HEADLESS_CHROME
      })
  void crawlersAndHeadlessBrowsersAreBots(String userAgent) {
    assertThat(parse(userAgent).bot()).as(userAgent).isTrue();
  }

  @Test
  void peoplesBrowsersAreNotBots() {
    for (String userAgent :
        new String[] {CHROME_WINDOWS, SAFARI_IPHONE, FIREFOX_LINUX, CHROME_ANDROID_PHONE}) {
      assertThat(parse(userAgent).bot()).as(userAgent).isFalse();
    }
  }

  @Test
  void anUnknownHeaderIsOther() {
    assertThat(parse("Some thing 1.0"))
        .isEqualTo(new Browser("Other", "", "Other", DeviceClass.OTHER, false));
  }

  /**
   * Headers that uap-java's bundled rules (2023-11) misread and uap-core's of 2026-08 name: the
   * DuckDuckGo browser for Mac (bundled: "Safari") and Google's inspection crawler (bundled: an
   * unknown client, counted as a person).
   */
  @Test
  void theCurrentUapCoreRulesAreLoaded() {
    assertThat(
            parse(
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like"
                    + " Gecko) Version/17.4 Safari/605.1.15 Ddg/17.4"))
        .isEqualTo(new Browser("DuckDuckGo", "17", "Mac OS X", DeviceClass.DESKTOP, false));
    assertThat(parse("Mozilla/5.0 (compatible; Google-InspectionTool/1.0)"))
        .isEqualTo(new Browser("Google-InspectionTool", "1", "Other", DeviceClass.BOT, true));
  }

  @Test
  void repeatedHeadersComeFromTheCache() {
    UserAgents userAgents = new UserAgents(10);
    assertThat(userAgents.parse(CHROME_WINDOWS)).isSameAs(userAgents.parse(CHROME_WINDOWS));
  }

  @Test
  void aVeryLongHeaderIsCutBeforeParsing() {
    String padding = " x".repeat(2_000);
    String longHeader = FIREFOX_LINUX + padding;
    assertThat(UserAgents.truncate(longHeader)).hasSize(UserAgents.MAX_LENGTH);
    assertThat(parse(longHeader)).isEqualTo(parse(UserAgents.truncate(longHeader)));
    assertThat(parse(longHeader).family()).isEqualTo("Firefox");
    // Cut between the halves of a surrogate pair, the high half is dropped too.
    String emoji = "a".repeat(UserAgents.MAX_LENGTH - 1) + "\uD83D\uDE00";
    assertThat(UserAgents.truncate(emoji)).hasSize(UserAgents.MAX_LENGTH - 1);
  }

  @Test
  void familiesCopiedFromTheHeaderAreCapped() {
    String name = "Q".repeat(200) + "bot";
    Browser browser = parse("Mozilla/5.0 (compatible; " + name + "/1.0)");
    assertThat(browser.family().length()).isLessThanOrEqualTo(64);
    assertThat(browser.os().length()).isLessThanOrEqualTo(64);
    assertThat(browser.major()).matches("[0-9]*");
  }

  @Test
  void familiesAreCappedAtTheWidthTheSecurityLogStores() {
    String family = "Probe" + "Q".repeat(60);
    Browser browser = parse(family + "/1 CFNetwork");
    assertThat(browser.family()).isEqualTo(family.substring(0, 40));
  }

  @Test
  void aFamilyOfLeadingWhiteSpaceCountsAsUnknownAsItAlwaysDid() {
    // uap's CFNetwork rule copies the start of the header into the family.
    assertThat(parse(" ".repeat(70) + "x/1 CFNetwork").family()).isEqualTo("(unknown)");
    assertThat(parse(" ".repeat(50) + "x".repeat(20) + "/1 CFNetwork").family())
        .isEqualTo(" ".repeat(40));
  }
}
