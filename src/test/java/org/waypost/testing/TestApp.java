package org.waypost.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.waypost.App;
import org.waypost.config.ConfigLoader;
import org.waypost.config.WaypostConfig;
import org.waypost.json.Json;
import org.waypost.keys.MasterKey;

/**
 * A real Waypost on a free port over a fresh store, and a small HTTP client to talk to it. Tests
 * build one per test (or per class) and close it.
 */
public final class TestApp implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final App app;
  private final URI base;

  private TestApp(App app) {
    this.app = app;
    this.base = URI.create("http://127.0.0.1:" + app.port());
  }

  /** Starts a server over a fresh store of {@code kind} with files under {@code dir}. */
  public static TestApp start(StoreKind kind, Path dir, Clock clock, Map<String, String> extra) {
    Map<String, String> overrides = new HashMap<>(kind.freshStore(dir));
    overrides.put("server.port", "0");
    overrides.putAll(extra);
    return start(config(overrides), clock);
  }

  public static TestApp start(StoreKind kind, Path dir) {
    return start(kind, dir, Clock.systemUTC(), Map.of());
  }

  /** Starts a server over an existing configuration (e.g. to check what survives a restart). */
  public static TestApp start(WaypostConfig config, Clock clock) {
    MasterKey.createIfMissing(Path.of(config.privacy().masterKeyFile()));
    return new TestApp(App.open(config, clock).serve());
  }

  public static WaypostConfig config(Map<String, String> overrides) {
    return ConfigLoader.load(null, Map.of(), overrides);
  }

  public App app() {
    return app;
  }

  public URI uri(String path) {
    return base.resolve(path);
  }

  /** A response with its body as text, and helpers to read it. */
  public record Response(int status, HttpResponse<String> raw) {
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

  public Response get(String path, String... headers) {
    return send(HttpRequest.newBuilder(uri(path)).GET(), headers);
  }

  public Response post(String path, String contentType, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", contentType);
    return send(request, headers);
  }

  /** POST with a shipper key. */
  public Response postAs(String key, String path, String contentType, String body) {
    return post(path, contentType, body, "Authorization", "Bearer " + key);
  }

  public Response send(HttpRequest.Builder request, String... headers) {
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> response =
          HTTP.send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response);
    } catch (IOException e) {
      throw new AssertionError("request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Creates a shipper key straight through the feature (as the CLI does). */
  public String shipperKey(String shipper) {
    return app.apiKeys().create(shipper).key();
  }

  @Override
  public void close() {
    app.close();
  }
}
