package org.waypost.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.waypost.App;
import org.waypost.config.ConfigLoader;
import org.waypost.config.WaypostConfig;
import org.waypost.keys.MasterKey;
import org.waypost.testing.Fixtures;
import org.waypost.testing.RedisServer;
import org.waypost.tracking.TrackingNumber;

/**
 * Two Waypost nodes behind nginx on loopback (issue 16): one embedded PostgreSQL, one key folder,
 * one {@code redis-server}, two nodes in this JVM each serving on its own port, and nginx balancing
 * them round-robin. Checks that the same lookups answer byte-identically through nginx (so from
 * both nodes) as from one node directly, that a guesser blocked through nginx is blocked on both
 * nodes, then compares wrk's lookup load through nginx with the same load on one node. Run by
 * {@code bench/nodes.sh}; a {@code main}, not a test.
 */
public final class NodesBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RESULT =
      Pattern.compile(
          "RESULT requests=(\\d+) duration_us=(\\d+) p50_us=(\\d+) p99_us=(\\d+)"
              + " max_us=(\\d+) errors=(\\d+) non2xx=(\\d+)");

  private final Path dir;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private int clientSeq;
  private long wrkRequests;

  private NodesBenchmark(Path dir) {
    this.dir = dir;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(System.getProperty("bench.dir", "target/bench-nodes")).toAbsolutePath();
    Files.createDirectories(dir);
    new NodesBenchmark(dir).run();
    System.exit(0); // the nodes' non-daemon threads must not keep Maven's JVM alive
  }

  private void run() throws Exception {
    int pieces = Integer.getInteger("bench.pieces", 600);
    int seconds = Integer.getInteger("bench.seconds", 20);
    int warmup = Integer.getInteger("bench.warmup", 20);
    int rounds = Integer.getInteger("bench.rounds", 2);
    say("starting embedded PostgreSQL (fsync on) and redis-server on 127.0.0.1");
    try (EmbeddedPostgres pg =
            EmbeddedPostgres.builder()
                .setDataDirectory(dir.resolve("pg"))
                .setCleanDataDirectory(true)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .start();
        RedisServer redis = RedisServer.start(dir)) {
      try (Connection c = pg.getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE waypost_bench");
      }
      Path keys = dir.resolve("keys");
      Map<String, String> overrides = new HashMap<>();
      overrides.put("database.url", pg.getJdbcUrl("postgres", "waypost_bench"));
      overrides.put("database.user", "postgres");
      overrides.put("privacy.keyDir", keys.toString());
      overrides.put("privacy.masterKeyFile", keys.resolve("master.key").toString());
      overrides.put("server.port", "0");
      overrides.put("server.trustedProxies", "127.0.0.0/8,::1");
      // -Dbench.redis=false: the nodes keep their abuse state each in memory (what the shared
      // state costs per lookup; the block check is then skipped, as it needs Redis)
      boolean shared = Boolean.parseBoolean(System.getProperty("bench.redis", "true"));
      if (shared) {
        overrides.put("abuse.redisUrl", redis.url());
      }
      overrides.put("abuse.shipperRequestsPerMinute", "1000000");
      WaypostConfig config = ConfigLoader.load(null, Map.of(), overrides);
      MasterKey.createIfMissing(Path.of(config.privacy().masterKeyFile()));
      try (App one = App.open(config, Clock.systemUTC()).serve();
          App two = App.open(config, Clock.systemUTC()).serve()) {
        URI node1 = URI.create("http://127.0.0.1:" + one.port());
        URI node2 = URI.create("http://127.0.0.1:" + two.port());
        Process nginx = startNginx(one.port(), two.port());
        try {
          URI lb = URI.create("http://127.0.0.1:" + nginxPort);
          String key = one.apiKeys().create("Bench Shipper").key();
          List<String> numbers = seed(node1, key, pieces);
          say("seeded %d pieces with scans through the shipper API of node 1", numbers.size());
          storage(pg);
          compare(numbers, node1, node2, lb);
          if (shared) {
            block(node1, node2, lb);
          }
          Path list = dir.resolve("numbers.txt");
          Files.write(list, numbers);
          load(list, node1, lb, warmup, seconds, rounds);
          if (shared) {
            redisCommands(redis.url());
          }
        } finally {
          nginx.destroy();
          if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
            nginx.destroyForcibly();
          }
        }
      }
    }
  }

  // ---- nginx

  private int nginxPort;

  private Process startNginx(int port1, int port2) throws Exception {
    nginxPort = freePort();
    Path conf = dir.resolve("nginx.conf");
    Files.createDirectories(dir.resolve("nginx"));
    // as a production balancer would: keep-alive to the nodes, the client's address appended to
    // X-Forwarded-For (the nodes trust 127.0.0.0/8 as a proxy); no access log, as in issue 16's
    // per-core figures
    Files.writeString(
        conf,
        """
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/nginx-error.log warn;
        events { worker_connections 1024; }
        http {
          access_log off;
          client_body_temp_path %1$s/nginx;
          proxy_temp_path %1$s/nginx;
          fastcgi_temp_path %1$s/nginx;
          uwsgi_temp_path %1$s/nginx;
          scgi_temp_path %1$s/nginx;
          upstream waypost {
            server 127.0.0.1:%2$d;
            server 127.0.0.1:%3$d;
            keepalive 64;
          }
          server {
            listen 127.0.0.1:%4$d;
            keepalive_requests 1000000;
            location / {
              proxy_pass http://waypost;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_set_header Host $host;
              proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            }
          }
        }
        """
            .formatted(dir.resolve("nginx"), port1, port2, nginxPort));
    Process nginx =
        new ProcessBuilder(
                "nginx",
                "-p",
                dir.resolve("nginx").toString(),
                "-c",
                conf.toString(),
                "-g",
                "daemon off;")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("nginx.out").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try {
        if (get(URI.create("http://127.0.0.1:" + nginxPort + "/health/ready"), null).status()
            == 200) {
          say("nginx on 127.0.0.1:%d balances nodes on :%d and :%d", nginxPort, port1, port2);
          return nginx;
        }
      } catch (IOException e) {
        if (!nginx.isAlive()) {
          break;
        }
      }
      Thread.sleep(100);
    }
    nginx.destroyForcibly();
    throw new IllegalStateException(
        "nginx did not start: " + Files.readString(dir.resolve("nginx.out")));
  }

  // ---- seeding through the shipper API

  private List<String> seed(URI node, String key, int pieces) throws Exception {
    List<String> numbers = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
      List<Future<String>> made = new ArrayList<>();
      for (int i = 0; i < pieces; i++) {
        made.add(
            threads.submit(
                () -> {
                  Reply r =
                      post(node, "/api/v1/shipments", key, Fixtures.shipmentJson("PRIORITY", "US"));
                  expect(r.status() == 201, "registration answered " + r.status() + r.body());
                  return JSON.readTree(r.body()).get("trackingNumber").asText();
                }));
      }
      for (Future<String> f : made) {
        numbers.add(f.get());
      }
    }
    // 1-4 scans per piece, every fourth delivered, all in the past few days
    OffsetDateTime base =
        OffsetDateTime.now(ZoneOffset.ofHours(-5)).truncatedTo(ChronoUnit.MINUTES);
    String[] chain = {"ACCEPTED", "ARRIVED", "DEPARTED", "DELIVERED"};
    List<String> events = new ArrayList<>();
    for (int i = 0; i < numbers.size(); i++) {
      int scans = 1 + i % 4;
      for (int s = 0; s < scans; s++) {
        String time = base.minusHours(72 - 12L * s).minusMinutes(i % 50).toString();
        events.add(Fixtures.eventJson("n" + i + "-" + s, numbers.get(i), chain[s], time));
      }
    }
    for (int from = 0; from < events.size(); from += 500) {
      List<String> batch = events.subList(from, Math.min(events.size(), from + 500));
      Reply r = post(node, "/api/v1/events", key, Fixtures.jsonArray(batch.toArray(String[]::new)));
      expect(r.status() == 200, "events answered " + r.status() + r.body());
      int accepted = JSON.readTree(r.body()).get("accepted").asInt();
      expect(accepted == batch.size(), "accepted " + accepted + " of " + batch.size());
    }
    return numbers;
  }

  /**
   * Bytes per stored scan and piece, tables with their indexes (a rough figure from a small table,
   * for sizing).
   */
  private static void storage(EmbeddedPostgres pg) throws Exception {
    try (Connection c = pg.getDatabase("postgres", "waypost_bench").getConnection();
        Statement s = c.createStatement()) {
      s.execute("VACUUM ANALYZE scan_events");
      s.execute("VACUUM ANALYZE shipments");
      for (String table : List.of("scan_events", "shipments")) {
        try (var r =
            s.executeQuery(
                "SELECT pg_total_relation_size('" + table + "'), count(*) FROM " + table)) {
          r.next();
          say(
              "storage: %s %,d rows, %,d bytes with indexes (%.0f B a row)",
              table, r.getLong(2), r.getLong(1), (double) r.getLong(1) / r.getLong(2));
        }
      }
    }
  }

  // ---- the same answers

  private void compare(List<String> numbers, URI node1, URI node2, URI lb) throws Exception {
    List<String> asked = new ArrayList<>(numbers.subList(0, 24));
    for (int i = 0; i < 6; i++) { // valid numbers no piece has
      asked.add(TrackingNumber.issueImpb("055", "654321", 800_000 + i).value());
    }
    asked.addAll(List.of("9400111206206406260780", "RB123456789GB", "not-a-number", "12345"));
    List<String> paths = new ArrayList<>();
    for (String n : asked) {
      paths.add("/api/v1/tracking/" + n);
    }
    paths.add("/api/v1/tracking?numbers=" + String.join(",", asked.subList(0, 10)));
    paths.add("/api/v1/tracking?numbers=" + String.join(",", asked.subList(20, asked.size())));
    paths.add(
        "/api/v1/tracking?numbers="
            + String.join(",", asked.get(0), asked.get(25), asked.get(31), asked.get(5)));
    int identical = 0;
    Map<Integer, Integer> statuses = new HashMap<>();
    for (String path : paths) {
      Reply reference = get(node1.resolve(path), nextClient());
      // through nginx twice (round-robin: one answer from each node), and node 2 directly
      List<Reply> others =
          List.of(
              get(lb.resolve(path), nextClient()),
              get(lb.resolve(path), nextClient()),
              get(node2.resolve(path), nextClient()));
      for (Reply other : others) {
        expect(
            other.status() == reference.status()
                && Arrays.equals(other.bytes(), reference.bytes())
                && other.type().equals(reference.type()),
            "different answers for " + path + ":\n" + reference + "\n" + other);
      }
      statuses.merge(reference.status(), 1, Integer::sum);
      identical++;
    }
    say(
        "same answers: %d requests (%d single, %d multi-number) byte-identical from node 1, node 2"
            + " and twice through nginx; statuses %s",
        identical, asked.size(), paths.size() - asked.size(), statuses);
  }

  // ---- a block made through nginx holds on both nodes

  private void block(URI node1, URI node2, URI lb) throws Exception {
    String guesser = "203.0.113.77";
    int refusedAt = -1;
    for (int i = 0; i < 200 && refusedAt < 0; i++) {
      String n = TrackingNumber.issueImpb("055", "654321", 700_000 + i).value();
      Reply r = get(lb.resolve("/api/v1/tracking/" + n), guesser);
      if (r.status() == 429) {
        refusedAt = i;
      } else {
        expect(r.status() == 404, "guess answered " + r.status());
      }
    }
    expect(refusedAt > 0, "a guesser through nginx was never refused");
    String probe = TrackingNumber.issueImpb("055", "654321", 699_000).value();
    for (URI node : List.of(node1, node2)) {
      Reply r = get(node.resolve("/api/v1/tracking/" + probe), guesser);
      expect(
          r.status() == 429
              && JSON.readTree(r.body()).get("type").asText().equals("/problems/blocked"),
          "the guesser is not blocked on " + node + ": " + r);
    }
    say(
        "block: a guesser alternating between the nodes through nginx was refused at guess %d;"
            + " blocked on node 1 and node 2 directly",
        refusedAt + 1);
  }

  // ---- load

  private void load(Path list, URI node1, URI lb, int warmup, int seconds, int rounds)
      throws Exception {
    say("warming up: %d s through nginx (both nodes), %d s on node 1", warmup, warmup / 2);
    wrk(lb, list, warmup);
    wrk(node1, list, warmup / 2);
    List<double[]> direct = new ArrayList<>();
    List<double[]> balanced = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      direct.add(wrk(node1, list, seconds));
      balanced.add(wrk(lb, list, seconds));
      say(
          "round %d (load average %s): node 1 directly %,.0f req/s p99 %.2f ms | nginx + 2 nodes %,.0f req/s p99 %.2f"
              + " ms",
          r + 1,
          loadAverage(),
          direct.getLast()[0],
          direct.getLast()[1],
          balanced.getLast()[0],
          balanced.getLast()[1]);
    }
    double[] d = median(direct);
    double[] b = median(balanced);
    say(
        "RESULT one node directly: %,.0f req/s, p99 %.2f ms; nginx + 2 nodes: %,.0f req/s, p99 %.2f"
            + " ms (ratio %.2f); errors %d / %d, non-2xx %d / %d",
        d[0], d[1], b[0], b[1], b[0] / d[0], (long) d[2], (long) b[2], (long) d[3], (long) b[3]);
  }

  /** Redis commands per type over the whole run (INFO commandstats), to relate them to lookups. */
  private void redisCommands(String url) {
    RedisClient client = RedisClient.create(url);
    long calls = 0;
    Pattern count = Pattern.compile("calls=(\\d+)");
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      for (String line : c.sync().info("commandstats").split("\r?\n")) {
        if (line.startsWith("cmdstat_")) {
          say("redis %s", line.substring("cmdstat_".length()));
          Matcher m = count.matcher(line);
          calls += m.find() ? Long.parseLong(m.group(1)) : 0;
        }
      }
      say(
          "redis: %,d commands for %,d lookups by wrk (and a few hundred other requests): %.1f a"
              + " lookup",
          calls, wrkRequests, (double) calls / wrkRequests);
      long keys = c.sync().dbsize();
      String memory = c.sync().info("memory");
      Matcher used = Pattern.compile("used_memory:(\\d+)").matcher(memory);
      long bytes = used.find() ? Long.parseLong(used.group(1)) : 0;
      // wrk's load is a new client (and nearly always a new /48) per lookup: the most state per
      // lookup Redis can be made to hold
      say(
          "redis: %,d keys, %,d bytes used (%.0f B per lookup by a new client)",
          keys, bytes, (double) bytes / wrkRequests);
    } finally {
      client.shutdown();
    }
  }

  /** The machine's 1-minute load average: a busy machine (other sessions) lowers every figure. */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }

  private static double[] median(List<double[]> runs) {
    List<double[]> sorted = new ArrayList<>(runs);
    sorted.sort((x, y) -> Double.compare(x[0], y[0]));
    return sorted.get(sorted.size() / 2);
  }

  /** One wrk run of bench/lookups.lua: req/s, p99 ms, errors, non-2xx. */
  private double[] wrk(URI target, Path list, int seconds) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                "wrk",
                "-t1",
                "-c32",
                "-d" + seconds + "s",
                "--timeout",
                "5s",
                "-s",
                Path.of("bench", "lookups.lua").toAbsolutePath().toString(),
                target.toString())
            .redirectErrorStream(true);
    pb.environment().put("BENCH_NUMBERS", list.toString());
    Process p = pb.start();
    String out;
    try {
      if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
        throw new IllegalStateException("wrk did not finish");
      }
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      p.destroyForcibly();
    }
    Matcher m = RESULT.matcher(out);
    expect(m.find(), "no result from wrk: " + out);
    wrkRequests += Long.parseLong(m.group(1));
    double rate = Long.parseLong(m.group(1)) * 1e6 / Long.parseLong(m.group(2));
    return new double[] {
      rate,
      Long.parseLong(m.group(4)) / 1000.0,
      Long.parseLong(m.group(6)),
      Long.parseLong(m.group(7))
    };
  }

  // ---- HTTP

  private record Reply(int status, String type, byte[] bytes) {
    String body() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return status + " " + type + " " + body();
    }
  }

  /** A new documentation address per request, so that no client nears the lookup limits. */
  private String nextClient() {
    int n = ++clientSeq;
    return "2001:db8:"
        + Integer.toHexString(n >> 16)
        + ":"
        + Integer.toHexString(n & 0xffff)
        + "::1";
  }

  private Reply get(URI uri, String client) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    if (client != null) {
      b.header("X-Forwarded-For", client);
    }
    return send(b.GET().build());
  }

  private Reply post(URI node, String path, String key, String body)
      throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(node.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private Reply send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void expect(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("benchmark check failed: " + what);
    }
  }

  private static void say(String format, Object... args) {
    System.out.printf(Locale.ROOT, "nodes: " + format + "%n", args);
  }
}
