package org.waypost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.waypost.json.Json;
import org.waypost.testing.Fixtures;
import org.waypost.testing.TestServer;

/**
 * Shippers posting scan batches from several threads, as a drill's load: it keeps every batch the
 * server acknowledged (200, all accepted) apart from those whose fate the client cannot know (the
 * connection broke, a 503), and checks afterwards what the store holds. Each scan carries its own
 * event id as its description, so a shipper's read of the piece shows exactly which scans are
 * stored, and how many times.
 */
final class ScanLoad {
  private static final int BATCH = 20;

  /** A batch as posted: its event ids and its JSON body. */
  record Batch(List<String> ids, String body) {}

  private final Supplier<TestServer> server;
  private final String key;
  private final List<String> pieces;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Queue<Batch> acknowledged = new ConcurrentLinkedQueue<>();
  private final Queue<Batch> unsettled = new ConcurrentLinkedQueue<>();
  private final Queue<String> unexpected = new ConcurrentLinkedQueue<>();
  private final AtomicInteger batches = new AtomicInteger();
  private final AtomicInteger broken = new AtomicInteger();
  private final AtomicLong slowestNanos = new AtomicLong();
  private final String time =
      OffsetDateTime.now(ZoneOffset.UTC).minusHours(1).truncatedTo(ChronoUnit.SECONDS).toString();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;

  /** {@code server} is asked for on every request, as a server that restarts moves its port. */
  ScanLoad(Supplier<TestServer> server, String key, List<String> pieces) {
    this.server = server;
    this.key = key;
    this.pieces = pieces;
  }

  /** Starts {@code clients} threads that post batches until {@link #stop}. */
  ScanLoad start(int clients) {
    for (int c = 0; c < clients; c++) {
      threads.add(Thread.ofPlatform().name("shipper-" + c).start(this::postUntilStopped));
    }
    return this;
  }

  private void postUntilStopped() {
    while (running) {
      Batch batch = next();
      switch (post(batch)) {
        case ACKNOWLEDGED -> acknowledged.add(batch);
        case UNSETTLED -> {
          unsettled.add(batch);
          pause(50); // the server is gone or unavailable: do not spin
        }
      }
    }
  }

  enum Fate {
    ACKNOWLEDGED,
    UNSETTLED
  }

  /**
   * Posts a batch; anything but a clean acknowledgement, a broken connection or a 503 {@code
   * unavailable} problem with Retry-After is noted.
   */
  Fate post(Batch batch) {
    long started = System.nanoTime();
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(server.get().uri("/api/v1/events"))
                  .timeout(Duration.ofSeconds(10))
                  .header("Authorization", "Bearer " + key)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(batch.body()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      slowestNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
      if (response.statusCode() == 200) {
        JsonNode outcome = Json.MAPPER.readTree(response.body());
        if (outcome.get("accepted").asInt() + outcome.get("duplicates").asInt() == BATCH) {
          return Fate.ACKNOWLEDGED;
        }
        unexpected.add("200 without every scan taken: " + response.body());
      } else if (response.statusCode() != 503 || !isUnavailable(response)) {
        unexpected.add(response.statusCode() + " " + response.headers() + " " + response.body());
      }
      return Fate.UNSETTLED;
    } catch (java.io.IOException e) {
      broken.incrementAndGet();
      return Fate.UNSETTLED; // the connection broke: the client cannot know what was stored
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Fate.UNSETTLED;
    }
  }

  /** A 503 as the contract says: an {@code unavailable} problem with a Retry-After. */
  static boolean isUnavailable(HttpResponse<String> response) {
    return response
            .headers()
            .firstValue("Content-Type")
            .orElse("")
            .equals("application/problem+json")
        && response.body().contains("\"/problems/unavailable\"")
        && response.headers().firstValue("Retry-After").orElse("").matches("[1-9][0-9]*");
  }

  private Batch next() {
    int n = batches.incrementAndGet();
    List<String> ids = new ArrayList<>();
    String[] events = new String[BATCH];
    for (int i = 0; i < BATCH; i++) {
      String id = "drill-" + n + "-" + i;
      ids.add(id);
      String piece = pieces.get(ThreadLocalRandom.current().nextInt(pieces.size()));
      String json = Fixtures.eventJson(id, piece, "ARRIVED", time);
      events[i] = json.substring(0, json.length() - 1) + ",\"description\":\"" + id + "\"}";
    }
    return new Batch(ids, Fixtures.jsonArray(events));
  }

  /** Requests whose connection broke or timed out before an answer came. */
  int broken() {
    return broken.get();
  }

  /** The longest any answer took to come, broken connections aside. */
  Duration slowest() {
    return Duration.ofNanos(slowestNanos.get());
  }

  /** How many batches the server has acknowledged so far. */
  int acknowledgedCount() {
    return acknowledged.size();
  }

  /** Stops the threads and waits for them. */
  void stop() throws InterruptedException {
    running = false;
    for (Thread thread : threads) {
      thread.join(Duration.ofSeconds(30));
    }
  }

  /**
   * Posts every batch whose fate was unknown again, as a shipper retries, and checks the server
   * took each whole: stored now, whether or not it was stored before.
   */
  void retryUnsettled() {
    for (Batch batch : unsettled) {
      assertThat(post(batch))
          .as("a retried batch is taken: %s", unexpected)
          .isEqualTo(Fate.ACKNOWLEDGED);
      acknowledged.add(batch);
    }
    unsettled.clear();
  }

  /**
   * Reads every piece as its shipper and checks that every acknowledged scan is stored exactly
   * once; returns how many acknowledged scans there were.
   */
  int assertEveryAcknowledgedScanStoredOnce(TestServer at) {
    assertThat(unexpected).as("answers other than 200, 503 or a broken connection").isEmpty();
    Map<String, Integer> stored = new HashMap<>();
    for (String piece : pieces) {
      var response =
          at.send(
              HttpRequest.newBuilder(at.uri("/api/v1/shipments/" + piece)).GET(),
              "Authorization",
              "Bearer " + key);
      assertThat(response.status()).as(response.body()).isEqualTo(200);
      for (JsonNode event : response.json().get("events")) {
        stored.merge(event.get("description").asText(), 1, Integer::sum);
      }
    }
    assertThat(stored.values()).as("no scan is stored twice").allMatch(times -> times == 1);
    List<String> missing = new ArrayList<>();
    int count = 0;
    for (Batch batch : acknowledged) {
      for (String id : batch.ids()) {
        count++;
        if (!stored.containsKey(id)) {
          missing.add(id);
        }
      }
    }
    assertThat(missing).as("acknowledged scans missing from the store").isEmpty();
    assertThat(stored).as("nothing stored that was not acknowledged").hasSize(count);
    return count;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
