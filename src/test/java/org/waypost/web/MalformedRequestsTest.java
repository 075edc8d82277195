package org.waypost.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.governance.Role;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/**
 * Requests no client should send, over a real socket (java.net.http refuses to send most of them):
 * whether Jetty refuses them or a route does, the answer is a problem with the security headers,
 * problem+json on the API and a page for a browser elsewhere, and never a 500.
 */
class MalformedRequestsTest {
  @TempDir static Path dir;
  static TestApp server;
  static String admin;

  @BeforeAll
  static void start() {
    server = TestApp.start(StoreKind.SQLITE, dir, Clock.systemUTC(), Map.of());
    server.app().operators().add("root", Set.of(Role.values()), "a long enough password");
    admin = "Bearer " + server.app().operators().issueToken("root");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A response as read off the socket. */
  record Raw(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** A problem with the security headers: JSON on the API (or with no page asked for). */
    void isAProblem(boolean page) {
      assertThat(status).as(body).isBetween(400, 499);
      assertThat(header("Content-Type"))
          .startsWith(page ? "text/html" : "application/problem+json");
      assertThat(header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(header("X-Frame-Options")).isEqualTo("DENY");
      assertThat(header("Content-Security-Policy")).contains("frame-ancestors 'none'");
      assertThat(header("Cache-Control")).isEqualTo("no-store");
      if (page) {
        assertThat(body).contains("<h1>").doesNotContain("Jetty").doesNotContain("Exception");
      } else {
        assertThat(body).startsWith("{\"type\":\"/problems/").contains("\"status\":" + status);
      }
    }
  }

  /** Sends {@code head} (request line and headers, without the blank line) and {@code body}. */
  static Raw send(String head, String body) {
    try (Socket socket = new Socket("127.0.0.1", server.app().port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      byte[] content = body.getBytes(StandardCharsets.UTF_8);
      String headers =
          head
              + "\r\nConnection: close"
              + (content.length > 0 ? "\r\nContent-Length: " + content.length : "")
              + "\r\n\r\n";
      out.write(headers.getBytes(StandardCharsets.ISO_8859_1));
      out.write(content);
      out.flush();
      return parse(readAll(socket.getInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Raw get(String target, String... headers) {
    StringBuilder head = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: localhost");
    for (String header : headers) {
      head.append("\r\n").append(header);
    }
    return send(head.toString(), "");
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    return all.toByteArray();
  }

  private static Raw parse(byte[] response) {
    String text = new String(response, StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    assertThat(end).as("a complete response: %s", text).isPositive();
    String[] lines = text.substring(0, end).split("\r\n");
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).strip());
    }
    return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
  }

  @Test
  void aBadEscapeInAPathParameterIsABadRequestEvenBeforeAuthentication() {
    Raw tracking = get("/api/v1/tracking/%u0039");
    tracking.isAProblem(false);
    assertThat(tracking.status()).isEqualTo(400);
    assertThat(tracking.body()).contains("/problems/bad-request");

    Raw legal = get("/api/v1/admin/legal-requests/%u0039");
    legal.isAProblem(false);
    assertThat(legal.status()).as("refused before authentication").isEqualTo(400);
  }

  @Test
  void aDateAtTheEdgeOfTheCalendarIsAValidationProblem() {
    for (String query :
        List.of(
            "from=-999999999-01-01",
            "from=-999999999-01-01&to=-999999999-01-02",
            "to=%2B999999999-12-31",
            "from=2026-02-30",
            "from=20261-01-01")) {
      Raw report = get("/api/v1/admin/analytics?" + query, "Authorization: " + admin);
      report.isAProblem(false);
      assertThat(report.body()).as(query).contains("/problems/validation-failed");
    }
  }

  @Test
  void whatJettyRefusesItselfIsAProblemWithTheSecurityHeaders() {
    Map<String, String> refused =
        Map.of(
            "a NUL in the path",
            "GET /api/v1/tracking/%00 HTTP/1.1\r\nHost: localhost",
            "a bad escape",
            "GET /api/v1/tracking/%zz HTTP/1.1\r\nHost: localhost",
            "headers too large",
            "GET /api/v1/tracking/x HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000),
            "an address too long",
            "GET /api/v1/tracking/" + "9".repeat(20_000) + " HTTP/1.1\r\nHost: localhost",
            "a bad request line",
            "GARBAGE",
            "an unknown HTTP version",
            "GET /api/v1/tracking/x HTTP/9.9\r\nHost: localhost",
            "a control character in a header",
            "GET /api/v1/tracking/x HTTP/1.1\r\nHost: localhost\r\nX-A: a\u0001b",
            "two Host headers",
            "GET /api/v1/tracking/x HTTP/1.1\r\nHost: a\r\nHost: b");
    Map<String, Integer> expected = Map.of("headers too large", 431, "an address too long", 414);
    refused.forEach(
        (what, head) -> {
          Raw response = send(head, "");
          response.isAProblem(false);
          assertThat(response.status()).as(what).isEqualTo(expected.getOrDefault(what, 400));
        });
  }

  @Test
  void offTheApiABrowserGetsTheErrorPageWithTheSameHeaders() {
    Raw page = get("/track/%u0039", "Accept: text/html");
    page.isAProblem(true);
    assertThat(page.header("Content-Security-Policy")).contains("style-src 'self'");
    get("/track/%u0039").isAProblem(false);
  }

  /**
   * Every GET route, its path parameters replaced by odd values and its query by odd dates, numbers
   * and escapes, with an operator token of every role: whatever the answer, it is not a 500, and an
   * error on the API is problem+json.
   */
  @Test
  void noOddPathEscapeOrDateOnAnyRouteIsA500() {
    List<String> values =
        List.of(
            "%u0039",
            "%zz",
            "%",
            "%2",
            "%00",
            "%C3%28",
            "%FF%FE",
            "%2F",
            "%2e%2e",
            "..",
            "a;b=c",
            "%3Cscript%3E",
            "-1",
            "0",
            "99999999999999999999999",
            "9".repeat(3_000),
            "%C3%A9",
            "+",
            "%20",
            "-999999999-01-01");
    List<String> queries =
        List.of(
            "from=-999999999-01-01&to=-999999999-01-02",
            "from=%2B999999999-12-31",
            "to=0000-01-01",
            "from=9999-12-31&to=9999-12-31",
            "from=2026-13-45",
            "from=%u0039",
            "resolution=hour&from=0001-01-01&to=0001-01-01",
            "numbers=%u0039",
            "numbers=" + "9,".repeat(500),
            "limit=-1",
            "limit=99999999999999999999",
            "after=-9223372036854775808",
            "before=abc",
            "id=%00");
    List<String> templates =
        server.app().server().javalin().unsafe.internalRouter.allHttpHandlers().stream()
            .map(parsed -> parsed.endpoint)
            .filter(e -> e.method.name().equals("GET"))
            .map(e -> e.path)
            .distinct()
            .toList();
    assertThat(templates).contains("/api/v1/tracking/{number}", "/api/v1/admin/analytics");
    List<String> targets = new ArrayList<>();
    for (String template : templates) {
      if (template.contains("{")) {
        for (String value : values) {
          targets.add(template.replaceAll("\\{[^}]+}", value));
        }
      }
      for (String query : queries) {
        targets.add(template.replaceAll("\\{[^}]+}", "1") + "?" + query);
      }
    }
    for (String target : targets) {
      Raw response = get(target, "Authorization: " + admin);
      assertThat(response.status()).as("GET %s: %s", target, response.body()).isLessThan(500);
      if (response.status() >= 400 && target.startsWith("/api/")) {
        assertThat(response.header("Content-Type"))
            .as("GET %s", target)
            .startsWith("application/problem+json");
      }
    }
  }

  @Test
  void aLegalRequestWithDatesAtTheEdgeOfTheCalendarIsAValidationProblem() {
    for (String[] range :
        new String[][] {
          {"-999999999-01-01", "-999999999-01-05"},
          {"0000-12-31", "0001-01-01"},
          {"2026-11-20", "+999999999-12-31"},
          {"2026-11-31", "2026-12-01"}
        }) {
      String filing =
          "{\"authority\": \"U.S. District Court, W.D. La.\", \"legalProcess\": \"SUBPOENA\","
              + " \"caseReference\": \"3:26-cr-00042\", \"trackingNumbers\":"
              + " [\"9400111206206406260787\"], \"from\": \""
              + range[0]
              + "\", \"to\": \""
              + range[1]
              + "\"}";
      Raw response =
          send(
              "POST /api/v1/admin/legal-requests HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
                  + admin
                  + "\r\nContent-Type: application/json",
              filing);
      response.isAProblem(false);
      assertThat(response.body()).as(range[0]).contains("/problems/validation-failed");
    }
  }
}
