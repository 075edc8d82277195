package org.waypost.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;

/**
 * One browser at the operator console: its cookies, sent from one client address (through the
 * trusted loopback proxy when {@code forwardedFor} is set), without an {@code Accept} header: the
 * console answers with pages regardless.
 */
public final class ConsoleVisitor {
  public final Map<String, String> cookies = new LinkedHashMap<>();
  private final TestServer server;
  private final List<String> fixed = new ArrayList<>();

  public ConsoleVisitor(TestServer server, String forwardedFor, String... headers) {
    this.server = server;
    if (forwardedFor != null) {
      fixed.addAll(List.of("X-Forwarded-For", forwardedFor));
    }
    fixed.addAll(List.of(headers));
  }

  public TestServer.Response get(String path, String... headers) {
    return send(HttpRequest.newBuilder(server.uri(path)).GET(), headers);
  }

  public TestServer.Response post(String path, Map<String, String> form, String... headers) {
    String body =
        form.entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
            .collect(Collectors.joining("&"));
    return send(
        HttpRequest.newBuilder(server.uri(path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/x-www-form-urlencoded"),
        headers);
  }

  /** Opens the login page, as a browser would, and posts its form. */
  public TestServer.Response login(String name, String password, String... headers) {
    String token = csrf("/operator/login");
    return post(
        "/operator/login", Map.of("name", name, "password", password, "csrf", token), headers);
  }

  /** The CSRF token in the forms of the page at {@code path}. */
  public String csrf(String path) {
    TestServer.Response page = get(path);
    assertThat(page.status()).as("GET " + path).isEqualTo(200);
    return Jsoup.parse(page.body()).select("input[name=csrf]").first().val();
  }

  /** Every {@code Set-Cookie} header of a response. */
  public static List<String> cookies(TestServer.Response response) {
    return response.raw().headers().allValues("Set-Cookie");
  }

  private TestServer.Response send(HttpRequest.Builder request, String... headers) {
    List<String> all = new ArrayList<>(fixed);
    // a later header of the same name (a test's Origin, say) wins over a fixed one
    for (int i = 0; i < headers.length; i += 2) {
      for (int j = 0; j < all.size(); j += 2) {
        if (all.get(j).equalsIgnoreCase(headers[i])) {
          all.subList(j, j + 2).clear();
          j -= 2;
        }
      }
    }
    all.addAll(List.of(headers));
    if (!cookies.isEmpty()) {
      all.add("Cookie");
      all.add(
          cookies.entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining("; ")));
    }
    TestServer.Response response = server.send(request, all.toArray(String[]::new));
    for (String setCookie : cookies(response)) {
      String pair = setCookie.split(";", 2)[0];
      String name = pair.substring(0, pair.indexOf('='));
      if (setCookie.contains("Max-Age=0")) {
        cookies.remove(name);
      } else {
        cookies.put(name, pair.substring(pair.indexOf('=') + 1));
      }
    }
    return response;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
