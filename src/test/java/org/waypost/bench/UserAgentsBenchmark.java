package org.waypost.bench;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.waypost.visitor.UserAgents;
import ua_parser.Parser;

/**
 * How long an uncached User-Agent parse takes with the uap-core rules Waypost loads (2026-08)
 * against the older ones bundled in uap-java (2023-11), in turns in one run, over distinct headers
 * made from common browsers, crawlers and scripts with varying versions; then the cost of a lookup
 * that {@link UserAgents}' cache answers. Prints microseconds per parse and the ratio new/old.
 *
 * <p>Run: {@code mvn -B -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.waypost.bench.UserAgentsBenchmark}
 */
public final class UserAgentsBenchmark {
  private static final String[] TEMPLATES = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
        + " Chrome/%d.0.%d.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
        + " Gecko) Version/17.%d Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:1%d.0) Gecko/20100101 Firefox/1%d.0",
    "Mozilla/5.0 (Linux; Android 14; SM-S9%dB) AppleWebKit/537.36 (KHTML, like Gecko)"
        + " Chrome/12%d.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_%d) AppleWebKit/605.1.15 (KHTML, like Gecko)"
        + " Version/17.%d Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
        + " Chrome/12%d.0.0.0 Safari/537.36 Edg/12%d.0.0.0",
    "Mozilla/5.0 (compatible; Googlebot/2.%d; +http://www.google.com/bot.html) %d",
    "curl/8.%d.%d",
    "python-requests/2.%d.%d",
    "Mozilla/5.0 (Linux; Android 13; SM-X7%d0) AppleWebKit/537.36 (KHTML, like Gecko)"
        + " Chrome/12%d.0.0.0 Safari/537.36",
  };

  private UserAgentsBenchmark() {}

  public static void main(String[] args) throws Exception {
    int headers = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    List<String> userAgents = new ArrayList<>();
    for (int i = 0; userAgents.size() < headers; i++) {
      userAgents.add(TEMPLATES[i % TEMPLATES.length].formatted(i / TEMPLATES.length, i % 97));
    }
    Parser bundled = new Parser();
    Parser current;
    try (InputStream regexes =
        UserAgents.class.getResourceAsStream("/org/waypost/visitor/uap-core/regexes.yaml")) {
      current = new Parser(regexes);
    }
    for (int warmUp = 0; warmUp < 2; warmUp++) {
      perParse(bundled, userAgents);
      perParse(current, userAgents);
    }
    double bundledMicros = 0;
    double currentMicros = 0;
    int rounds = 5;
    for (int round = 0; round < rounds; round++) {
      bundledMicros += perParse(bundled, userAgents) / rounds;
      currentMicros += perParse(current, userAgents) / rounds;
    }
    System.out.printf(
        "uncached parse, %d distinct headers, %d rounds in turns:%n", userAgents.size(), rounds);
    System.out.printf("  uap-java 1.6.1 bundled rules (2023-11): %.1f us%n", bundledMicros);
    System.out.printf("  uap-core rules Waypost loads (2026-08): %.1f us%n", currentMicros);
    System.out.printf("  ratio new/old: %.2f%n", currentMicros / bundledMicros);

    UserAgents cached = new UserAgents();
    List<String> repeated = userAgents.subList(0, Math.min(200, userAgents.size()));
    repeated.forEach(cached::parse);
    long started = System.nanoTime();
    int lookups = 0;
    for (int round = 0; round < 500; round++) {
      for (String userAgent : repeated) {
        cached.parse(userAgent);
        lookups++;
      }
    }
    System.out.printf(
        "cached lookup (UserAgents): %.2f us%n", (System.nanoTime() - started) / 1e3 / lookups);
  }

  private static double perParse(Parser parser, List<String> userAgents) {
    long started = System.nanoTime();
    for (String userAgent : userAgents) {
      parser.parse(userAgent);
    }
    return (System.nanoTime() - started) / 1e3 / userAgents.size();
  }
}
