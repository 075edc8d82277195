package org.waypost.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.waypost.App;
import org.waypost.config.ConfigLoader;
import org.waypost.keys.MasterKey;
import org.waypost.testing.Fixtures;
import org.waypost.testing.WebhookReceiver;

/**
 * What delivering webhooks costs scan ingestion, measured in one run against PostgreSQL (full
 * durability). Two kinds of round alternate, each posting the same number of scans through {@code
 * POST /api/v1/events} in batches of 1,000 with 4 in flight:
 *
 * <ul>
 *   <li><em>without</em>: every scan is for pieces of an account with no webhook endpoint;
 *   <li><em>with</em>: the first 10,000 scans are for pieces of an account whose endpoint points at
 *       a local receiver (a real HTTP server in this JVM), so they write 10,000 outbox rows in the
 *       scans' transactions and the dispatcher delivers them while the rest are posted.
 * </ul>
 *
 * The ratio of the two ingestion rates is the figure issue 13 asks for (at least 0.90); the time
 * until the receiver has all 10,000 deliveries is reported beside it. A first pair of rounds warms
 * the JIT up and is not counted. (A plain main, not a test: run it with bench/webhooks.sh.)
 *
 * <p>System properties: {@code bench.dir}, {@code bench.scans} (scans per round, 40000), {@code
 * bench.webhooks} (10000), {@code bench.rounds} (3 measured pairs).
 */
public final class WebhookBenchmark {
  private static final int BATCH = 1000;
  private static final int IN_FLIGHT = 4;

  private final int scansPerRound = Integer.getInteger("bench.scans", 40_000);
  private final int webhooks = Integer.getInteger("bench.webhooks", 10_000);
  private final int rounds = Integer.getInteger("bench.rounds", 3);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private int eventSeq;
  private int minuteSeq;

  public static void main(String[] args) throws Exception {
    String dirProperty = System.getProperty("bench.dir");
    Path dir =
        dirProperty == null
            ? Files.createTempDirectory("waypost-webhooks")
            : Files.createDirectories(Path.of(dirProperty));
    new WebhookBenchmark().run(dir);
    System.exit(0);
  }

  private void run(Path dir) throws Exception {
    try (EmbeddedPostgres pg =
            EmbeddedPostgres.builder()
                .setDataDirectory(dir.resolve("pg"))
                .setCleanDataDirectory(true)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .start();
        WebhookReceiver receiver = new WebhookReceiver()) {
      try (Connection c = pg.getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE waypost_bench");
      }
      Map<String, String> overrides = new HashMap<>();
      overrides.put("database.url", pg.getJdbcUrl("postgres", "waypost_bench"));
      overrides.put("database.user", "postgres");
      overrides.put("server.port", "0");
      overrides.put("server.accessLog", "false");
      overrides.put("privacy.keyDir", dir.resolve("keys").toString());
      overrides.put("privacy.masterKeyFile", dir.resolve("master.key").toString());
      overrides.put("abuse.shipperRequestsPerMinute", "1000000");
      overrides.put("notifications.allowPrivateWebhooks", "true");
      var config = ConfigLoader.load(null, Map.of(), overrides);
      MasterKey.createIfMissing(Path.of(config.privacy().masterKeyFile()));
      try (App app = App.open(config, Clock.systemUTC()).serve()) {
        String base = "http://127.0.0.1:" + app.port();
        var plain = app.apiKeys().create("Plain");
        var hooked = app.apiKeys().create("Hooked");
        app.webhooks().create(hooked.shipper().id(), receiver.url("/in"), java.util.Set.of());
        System.out.println("registering pieces...");
        List<String> plainPieces = register(app, plain.shipper().id(), 2000);
        List<String> hookedPieces = register(app, hooked.shipper().id(), webhooks);

        List<double[]> results = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) {
          double without = post(base, plain.key(), feed(plainPieces, scansPerRound));
          int before = receiver.received().size();
          long start = System.nanoTime();
          List<String> mixed = new ArrayList<>(feed(hookedPieces, webhooks));
          mixed.addAll(feed(plainPieces, scansPerRound - webhooks));
          post(base, List.of(hooked.key(), plain.key()), mixed, webhooks);
          double ingestSeconds = (System.nanoTime() - start) / 1e9;
          int target = before + webhooks;
          // keep posting until the last webhook has arrived, so the rate covers the whole delivery
          long posted = mixed.size();
          while (receiver.received().size() < target) {
            post(base, plain.key(), feed(plainPieces, IN_FLIGHT * BATCH));
            posted += IN_FLIGHT * BATCH;
          }
          double with = posted / ((System.nanoTime() - start) / 1e9);
          double deliverSeconds = (System.nanoTime() - start) / 1e9;
          String label = round == 0 ? "warm-up" : "round " + round;
          System.out.printf(
              Locale.ROOT,
              "%-8s without %,8.0f scans/s | with %,8.0f scans/s | ratio %.3f | %,d webhooks"
                  + " delivered %.1f s after the first post (%,.0f/s; the first %,d scans took"
                  + " %.1f s)%n",
              label,
              without,
              with,
              with / without,
              webhooks,
              deliverSeconds,
              webhooks / deliverSeconds,
              scansPerRound,
              ingestSeconds);
          if (round > 0) {
            results.add(new double[] {without, with, deliverSeconds});
          }
        }
        double w = results.stream().mapToDouble(r -> r[0]).sum();
        double h = results.stream().mapToDouble(r -> r[1]).sum();
        System.out.printf(
            Locale.ROOT,
            "%nmean over %d rounds: without %,.0f scans/s, with %,.0f scans/s, ratio %.3f"
                + " (issue 13: >= 0.90 -> %s); deliveries per round in %.1f s on average%n",
            results.size(),
            w / results.size(),
            h / results.size(),
            h / w,
            h / w >= 0.90 ? "met" : "MISSED",
            results.stream().mapToDouble(r -> r[2]).average().orElse(0));
        System.out.printf(
            Locale.ROOT,
            "%d cores; %d scans per round in batches of %d, %d in flight%n",
            Runtime.getRuntime().availableProcessors(),
            scansPerRound,
            BATCH,
            IN_FLIGHT);
      }
    }
  }

  private static List<String> register(App app, long account, int count) {
    List<String> numbers = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      numbers.add(app.shipments().register(account, Fixtures.priorityToFairfax()).trackingNumber());
    }
    return numbers;
  }

  /** {@code count} in-transit scans spread over {@code pieces}, as JSON objects. */
  private List<String> feed(List<String> pieces, int count) {
    List<String> events = new ArrayList<>(count);
    String[] types = {"PROCESSED", "DEPARTED", "ARRIVED", "IN_TRANSIT"};
    OffsetDateTime start = OffsetDateTime.now(ZoneOffset.UTC).minusDays(10);
    for (int i = 0; i < count; i++) {
      int seq = eventSeq++;
      events.add(
          Fixtures.eventJson(
              "b" + seq,
              pieces.get(seq % pieces.size()),
              types[seq % types.length],
              start.plusSeconds(minuteSeq++ % 700_000).toString()));
    }
    return events;
  }

  private double post(String base, String key, List<String> events) throws Exception {
    return post(base, List.of(key, key), events, 0);
  }

  /**
   * Posts {@code events} in batches, {@link #IN_FLIGHT} at a time, the first {@code split} with the
   * first key and the rest with the second; the rate in scans per second.
   */
  private double post(String base, List<String> keys, List<String> events, int split)
      throws Exception {
    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT)) {
      List<Future<?>> posts = new ArrayList<>();
      for (int from = 0; from < events.size(); from += BATCH) {
        List<String> batch = events.subList(from, Math.min(events.size(), from + BATCH));
        String key = from < split ? keys.get(0) : keys.get(1);
        posts.add(
            pool.submit(
                () -> {
                  HttpRequest request =
                      HttpRequest.newBuilder(URI.create(base + "/api/v1/events"))
                          .header("Authorization", "Bearer " + key)
                          .header("Content-Type", "application/json")
                          .POST(
                              HttpRequest.BodyPublishers.ofString(
                                  Fixtures.jsonArray(batch.toArray(String[]::new))))
                          .build();
                  HttpResponse<String> response =
                      http.send(request, HttpResponse.BodyHandlers.ofString());
                  if (response.statusCode() != 200
                      || !response.body().contains("\"rejected\":[]")) {
                    throw new IllegalStateException(
                        "a batch failed: "
                            + response.statusCode()
                            + " "
                            + response
                                .body()
                                .substring(0, Math.min(300, response.body().length())));
                  }
                  return null;
                }));
      }
      for (Future<?> f : posts) {
        f.get();
      }
    }
    return events.size() / ((System.nanoTime() - start) / 1e9);
  }
}
