package org.waypost.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.waypost.json.Json;

/**
 * A real server a test talks HTTP to, whole ({@link TestApp}) or only some routes ({@link
 * RouteServer}), and the small client to talk to it: one way to send a request in every test.
 */
public interface TestServer {
  /** The one client every test server's requests go through. */
  HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The address of {@code path} on this server. */
  URI uri(String path);

  /**
   * Called after each response: waits until the server has finished with the request (its
   * after-response hooks run once the client already has the answer), so a test reads what the
   * request left without racing it.
   */
  default void settle() {}

  /** A response with its body as text, and helpers to read it. */
  record Response(int status, HttpResponse<String> raw) {
    public String body() {
      return raw.body();
    }

    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(raw.body());
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + raw.body(), e);
      }
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    public String contentType() {
      return header("Content-Type");
    }
  }

  default Response get(String path, String... headers) {
    return send(HttpRequest.newBuilder(uri(path)).GET(), headers);
  }

  default Response post(String path, String contentType, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", contentType);
    return send(request, headers);
  }

  /** POST with a bearer key (a shipper's, say). */
  default Response postAs(String key, String path, String contentType, String body) {
    return post(path, contentType, body, "Authorization", "Bearer " + key);
  }

  /** Sends {@code request} with the given header names and values, in pairs. */
  default Response send(HttpRequest.Builder request, String... headers) {
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> response =
          HTTP.send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      settle();
      return new Response(response.statusCode(), response);
    } catch (IOException e) {
      throw new AssertionError("request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
