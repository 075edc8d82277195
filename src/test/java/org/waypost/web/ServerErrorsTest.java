package org.waypost.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waypost.config.ServerConfig;
import org.waypost.json.Json;
import org.waypost.net.Cidr;
import org.waypost.net.TrustedProxies;
import org.waypost.testing.CapturedLogs;

/**
 * What the bare server does with a handler that fails, with only a failing route registered: the
 * client gets a problem with a request id and nothing of the failure, and the log gets the same id
 * with the stack frames but no message, since a message may hold what a client sent.
 */
class ServerErrorsTest {
  private static final String SECRET = "9400111899223197428490 from 203.0.113.7";

  private HttpServer server;

  @BeforeEach
  void start() {
    ServerConfig config =
        new ServerConfig("127.0.0.1", 0, List.of(), 1 << 20, 100, false, "X-Forwarded-For", 0, 0);
    HttpServer.Pipeline pipeline =
        new HttpServer.Pipeline(
            new TrustedProxies(List.of(Cidr.parse("127.0.0.0/8")), false),
            client -> new byte[16],
            List.of());
    Routes failing =
        routes ->
            routes.get(
                "/api/v1/fails",
                ctx -> {
                  throw new IllegalStateException("wrapped", new IllegalArgumentException(SECRET));
                });
    server =
        new HttpServer(
                config,
                pipeline,
                new Problems(new Pages("Example Post")),
                new SimpleMeterRegistry(),
                List.of(failing))
            .start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void aFailureIsA500WithARequestIdAndIsLoggedWithFramesButNoMessage() throws Exception {
    HttpResponse<String> response;
    List<String> lines;
    try (CapturedLogs logs = new CapturedLogs()) {
      response = get("/api/v1/fails");
      lines = logs.lines();
    }

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = Json.MAPPER.readTree(response.body());
    String requestId = problem.get("requestId").asText();
    assertThat(problem.get("detail").asText()).contains(requestId).doesNotContain("9400");

    String logged =
        lines.stream()
            .filter(l -> l.contains(requestId))
            .findFirst()
            .orElseThrow(AssertionError::new);
    assertThat(logged)
        .contains("route=/api/v1/fails")
        .contains("error=java.lang.IllegalStateException")
        .contains("at org.waypost.web.ServerErrorsTest")
        .contains("Caused by: java.lang.IllegalArgumentException");
    assertThat(String.join("\n", lines))
        .doesNotContain("9400111899223197428490")
        .doesNotContain("203.0.113.7")
        .doesNotContain("wrapped");
  }

  @Test
  void anUnknownPathIsANotFoundProblem() throws Exception {
    HttpResponse<String> response = get("/api/v1/nothing-here");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(Json.MAPPER.readTree(response.body()).get("type").asText())
        .isEqualTo("/problems/not-found");
    assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }
}
