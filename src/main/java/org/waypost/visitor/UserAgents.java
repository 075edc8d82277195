package org.waypost.visitor;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import ua_parser.Client;
import ua_parser.Parser;

/**
 * Turns a User-Agent header into a {@link Browser}: the coarse values aggregates count.
 *
 * <p>uap-java runs a few hundred regular expressions per header, far too slow for every request,
 * while real traffic repeats a few thousand distinct headers; a bounded Caffeine cache keyed by the
 * header keeps the parse off the hot path without letting random headers grow memory. Headers
 * longer than {@value #MAX_LENGTH} characters are cut before parsing and caching, which bounds both
 * the regex work and the cache's size. uap does not tell scripts from people (curl is a "browser"
 * to it), so HTTP client libraries and crawlers that uap misses are recognised here.
 *
 * <p>The rules are uap-core's {@value #REGEXES} (2026-08, see SOURCE.txt beside it), not the older
 * copy inside uap-java's jar: browsers and crawlers that appeared since then are named.
 *
 * <p>Thread-safe; create one per application (loading the rules takes a few hundred milliseconds).
 */
public final class UserAgents {
  static final int MAX_LENGTH = 256;
  static final String REGEXES = "uap-core/regexes.yaml";
  static final long DEFAULT_CACHE_ENTRIES = 10_000;

  /** The width of the {@code browser_family} column and of the kept aggregate values. */
  static final int MAX_VALUE_LENGTH = 40;

  /** See {@link #coarse(String)}: how far a value's leading white space once reached. */
  private static final int BLANK_PREFIX = 64;

  static final String UNKNOWN = "(unknown)";
  private static final String OTHER = "Other";
  private static final Browser NONE = new Browser("(none)", "", OTHER, DeviceClass.OTHER, false);

  /** Clients that announce themselves by name at the start of the header: scripts, not people. */
  private record Script(String prefix, String family) {}

  private static final List<Script> SCRIPTS =
      List.of(
          new Script("curl/", "curl"),
          new Script("wget/", "Wget"),
          new Script("python-requests/", "Python Requests"),
          new Script("python-urllib3/", "urllib3"),
          new Script("python-urllib", "Python-urllib"),
          new Script("python-httpx/", "httpx"),
          new Script("python/", "Python"),
          new Script("aiohttp/", "aiohttp"),
          new Script("go-http-client/", "Go-http-client"),
          new Script("java-http-client/", "Java-http-client"),
          new Script("java/", "Java"),
          new Script("apache-httpclient/", "Apache-HttpClient"),
          new Script("okhttp/", "okhttp"),
          new Script("reactor-netty/", "reactor-netty"),
          new Script("libwww-perl/", "libwww-perl"),
          new Script("httpie/", "HTTPie"),
          new Script("node-fetch", "node-fetch"),
          new Script("axios/", "axios"),
          new Script("undici", "undici"),
          new Script("guzzlehttp/", "Guzzle"),
          new Script("ruby", "Ruby"),
          new Script("faraday", "Faraday"),
          new Script("scrapy/", "Scrapy"),
          new Script("postmanruntime/", "PostmanRuntime"),
          new Script("insomnia/", "Insomnia"));

  /** Automation that uap names as a browser family but does not mark as a spider. */
  private static final Set<String> AUTOMATION_FAMILIES = Set.of("HeadlessChrome", "PhantomJS");

  private static final Set<String> DESKTOP_OS =
      Set.of(
          "Mac OS X",
          "macOS",
          "Linux",
          "Ubuntu",
          "Kubuntu",
          "Debian",
          "Fedora",
          "Red Hat",
          "CentOS",
          "SUSE",
          "Linux Mint",
          "Mint",
          "Arch Linux",
          "Gentoo",
          "Slackware",
          "Mageia",
          "Chrome OS",
          "FreeBSD",
          "OpenBSD",
          "NetBSD",
          "Solaris");

  private static final Set<String> MOBILE_OS =
      Set.of(
          "iOS",
          "Windows Phone",
          "Windows Mobile",
          "BlackBerry OS",
          "BlackBerry Tablet OS",
          "KaiOS",
          "Firefox OS",
          "Symbian OS",
          "Tizen",
          "webOS");

  private final Parser parser;
  private final Cache<String, Browser> cache;

  public UserAgents() {
    this(DEFAULT_CACHE_ENTRIES);
  }

  public UserAgents(long maximumCacheEntries) {
    if (maximumCacheEntries < 1) {
      throw new IllegalArgumentException("the User-Agent cache needs at least one entry");
    }
    parser = loadParser();
    cache = Caffeine.newBuilder().maximumSize(maximumCacheEntries).build();
  }

  private static Parser loadParser() {
    try (InputStream regexes = UserAgents.class.getResourceAsStream(REGEXES)) {
      if (regexes == null) {
        throw new IllegalStateException(REGEXES + " is missing beside " + UserAgents.class);
      }
      return new Parser(regexes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + REGEXES, e);
    }
  }

  /** The browser behind a User-Agent header; family "(none)" when there is no header. */
  public Browser parse(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return NONE;
    }
    return cache.get(truncate(userAgent), this::classify);
  }

  static String truncate(String userAgent) {
    if (userAgent.length() <= MAX_LENGTH) {
      return userAgent;
    }
    int end =
        Character.isHighSurrogate(userAgent.charAt(MAX_LENGTH - 1)) ? MAX_LENGTH - 1 : MAX_LENGTH;
    return userAgent.substring(0, end);
  }

  private Browser classify(String userAgent) {
    Client client = parser.parse(userAgent);
    String lower = userAgent.toLowerCase(Locale.ROOT);
    Script script = script(lower);
    String family = client.userAgent.family;
    String major = client.userAgent.major;
    if (OTHER.equals(family) && script != null) {
      family = script.family();
      major = versionAfterSlash(userAgent);
    }
    boolean bot =
        script != null
            || "Spider".equals(client.device.family)
            || AUTOMATION_FAMILIES.contains(family)
            || isCrawlerName(family.toLowerCase(Locale.ROOT))
            || lower.contains("+http"); // crawlers' contact URL, e.g. "(+http://.../bot.html)"
    return new Browser(
        coarse(family),
        digitsOnly(major),
        coarse(client.os.family),
        bot ? DeviceClass.BOT : deviceClass(client, lower),
        bot);
  }

  private static Script script(String lowerCaseUserAgent) {
    for (Script script : SCRIPTS) {
      if (lowerCaseUserAgent.startsWith(script.prefix())) {
        return script;
      }
    }
    return null;
  }

  private static boolean isCrawlerName(String lowerCaseFamily) {
    return lowerCaseFamily.endsWith("bot")
        || lowerCaseFamily.contains("spider")
        || lowerCaseFamily.contains("crawler");
  }

  private static DeviceClass deviceClass(Client client, String lower) {
    String device = client.device.family;
    String os = client.os.family;
    if (device.equals("iPad") || device.contains("Tablet") || device.startsWith("Kindle")) {
      return DeviceClass.TABLET;
    }
    if (os.equals("Android")) {
      // Android browsers mark phones with "Mobile"; tablets leave it out.
      return lower.contains("mobile") ? DeviceClass.MOBILE : DeviceClass.TABLET;
    }
    if (device.equals("iPhone")
        || device.equals("iPod")
        || device.contains("Smartphone")
        || device.contains("Feature Phone")
        || MOBILE_OS.contains(os)
        || lower.contains("mobi")) {
      return DeviceClass.MOBILE;
    }
    if (DESKTOP_OS.contains(os) || (os.startsWith("Windows") && !os.equals("Windows RT"))) {
      return DeviceClass.DESKTOP;
    }
    return DeviceClass.OTHER;
  }

  /** The digits after the first slash, up to the next non-digit: "curl/8.5.0" gives "8". */
  private static String versionAfterSlash(String userAgent) {
    int from = userAgent.indexOf('/') + 1;
    if (from == 0) {
      return "";
    }
    int end = from;
    while (end < userAgent.length() && end - from < 9 && isDigit(userAgent.charAt(end))) {
      end++;
    }
    return userAgent.substring(from, end);
  }

  private static String digitsOnly(String major) {
    if (major == null || major.isEmpty() || major.length() > 9) {
      return "";
    }
    for (int i = 0; i < major.length(); i++) {
      if (!isDigit(major.charAt(i))) {
        return "";
      }
    }
    return major;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * uap sometimes copies part of the header into a family name (generic bot rules do): cap it so an
   * attacker cannot write long free text into the kept aggregates, at the width the security log
   * stores, so that the value is used as it is.
   *
   * <p>Values were once capped at {@value #BLANK_PREFIX} here and then at {@value
   * #MAX_VALUE_LENGTH}, with a blank one read as {@value #UNKNOWN}, when stored. A value longer
   * than {@value #BLANK_PREFIX} whose first {@value #BLANK_PREFIX} characters are white space
   * (uap's CFNetwork rule copies the start of the header) therefore became {@value #UNKNOWN}; it
   * still does, so stored values and aggregates do not change.
   */
  private static String coarse(String value) {
    if (value == null || value.isBlank()) {
      return OTHER;
    }
    if (value.length() > BLANK_PREFIX && value.substring(0, BLANK_PREFIX).isBlank()) {
      return UNKNOWN;
    }
    return value.length() <= MAX_VALUE_LENGTH ? value : value.substring(0, MAX_VALUE_LENGTH);
  }
}
