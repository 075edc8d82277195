package org.waypost.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.governance.AuditLog;
import org.waypost.governance.Role;
import org.waypost.json.Json;
import org.waypost.testing.ConsoleVisitor;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.testing.TestServer;

/**
 * The audit page over HTTP: filtered by actor, action and days, a page at a time, details as
 * fields, and the filtered entries exported as CSV and NDJSON with every stored field.
 */
class ConsoleAuditTest {
  private static final String PASSWORD = "correct horse battery staple";
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T09:00:00Z"));

  @TempDir Path dir;
  private TestApp server;
  private ConsoleVisitor piet;

  @BeforeEach
  void start() {
    server = TestApp.start(StoreKind.SQLITE, dir, clock, Map.of());
    server.app().operators().add("piet", Set.of(Role.PRIVACY), PASSWORD);
    server.app().operators().add("lena", Set.of(Role.LEGAL), PASSWORD);
    for (int day = 0; day < 3; day++) {
      for (int i = 0; i < 30; i++) {
        int n = i;
        String actor = i % 3 == 0 ? "sam" : "lena";
        String action =
            i % 3 == 0 ? "incident.reveal" : i % 2 == 0 ? "legal.file" : "legal.execute";
        server
            .app()
            .database()
            .inTransaction(
                c ->
                    server
                        .app()
                        .audit()
                        .append(
                            c,
                            actor,
                            action,
                            "incident:" + n,
                            Map.of(
                                "reason", "Ticket, \"SEC-" + n + "\"",
                                "scope", Map.of("from", "2026-11-01", "to", "2026-11-02"),
                                "numbers", List.of("A1", "B2"))));
        clock.advance(Duration.ofMinutes(10));
      }
      clock.advance(Duration.ofHours(19));
    }
    piet = new ConsoleVisitor(server, null);
    piet.login("piet", PASSWORD);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void entriesAreFilteredPagedAndShowTheirDetailsAsFields() {
    Document all = Jsoup.parse(piet.get("/operator/audit").body());
    assertThat(all.select(".facts dt").eachText()).startsWith("Latest signed checkpoint");
    assertThat(all.select("form.audit-filter label").eachText())
        .containsExactly("Actor", "Action", "From (UTC day)", "To (UTC day)");

    Document lena = Jsoup.parse(piet.get("/operator/audit?actor=lena&action=legal").body());
    assertThat(lena.select("table.audit-entries caption").text())
        .startsWith("Matching entries")
        .endsWith("newest first");
    assertThat(lena.select("tbody tr")).hasSize(50);
    assertThat(lena.select("tbody tr td:eq(2)").eachText()).containsOnly("lena");
    assertThat(lena.select("#actor").val()).isEqualTo("lena");
    var first = lena.selectFirst("tbody tr dl.details");
    assertThat(first.select("dt").eachText())
        .containsExactly("numbers", "reason", "scope.from", "scope.to");
    assertThat(first.select("dd").eachText().get(0)).isEqualTo("A1, B2");
    assertThat(first.select("dd").eachText().get(1)).startsWith("Ticket, \"SEC-");
    String older = lena.select("a:contains(Older entries)").attr("href");
    assertThat(older).startsWith("/operator/audit?actor=lena&action=legal&before=");
    Document second = Jsoup.parse(piet.get(older).body());
    assertThat(second.select("tbody tr")).hasSize(60 - 50);
    assertThat(second.select("a:contains(Older entries)")).isEmpty();
    assertThat(second.select("a:contains(Newest entries)").attr("href"))
        .isEqualTo("/operator/audit?actor=lena&action=legal");

    Document day =
        Jsoup.parse(
            piet.get("/operator/audit?action=incident.reveal&from=2026-11-29&to=2026-11-29")
                .body());
    assertThat(day.select("tbody tr")).hasSize(10);
    assertThat(day.select("tbody time").eachAttr("datetime"))
        .allMatch(t -> t.startsWith("2026-11-29"));

    for (String bad :
        List.of("from=2026-13-01", "to=-999999999-01-01", "from=2026-11-30&to=2026-11-29")) {
      TestServer.Response refused = piet.get("/operator/audit?" + bad);
      assertThat(refused.status()).as(bad).isEqualTo(400);
      assertThat(Jsoup.parse(refused.body()).select("#filter-error").text()).isNotBlank();
    }
    assertThat(piet.get("/operator/audit.csv?from=2026-02-30").status()).isEqualTo(400);
  }

  @Test
  void theFilteredEntriesAreExportedWithEveryStoredField() throws Exception {
    List<AuditLog.Entry> expected =
        server
            .app()
            .audit()
            .find(new AuditLog.Filter("sam", null, null, null), Long.MAX_VALUE, 100);
    assertThat(expected).hasSize(30);

    TestServer.Response csv = piet.get("/operator/audit.csv?actor=sam");
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.contentType()).startsWith("text/csv");
    assertThat(csv.header("Content-Disposition")).contains("waypost-audit.csv");
    List<List<String>> rows = AnalyticsBrowserTest.parse(csv.body());
    assertThat(rows.get(0))
        .containsExactly("seq", "time", "actor", "action", "target", "details", "prevHash", "hash");
    assertThat(rows).hasSize(31);
    for (int i = 0; i < expected.size(); i++) {
      AuditLog.Entry entry = expected.get(i);
      assertThat(rows.get(i + 1))
          .containsExactly(
              Long.toString(entry.seq()),
              entry.time().toString(),
              "sam",
              "incident.reveal",
              entry.target(),
              entry.details(),
              entry.prevHash(),
              entry.hash());
    }

    TestServer.Response ndjson = piet.get("/operator/audit.ndjson?actor=sam&from=2026-11-30");
    assertThat(ndjson.status()).isEqualTo(200);
    assertThat(ndjson.contentType()).startsWith("application/x-ndjson");
    String[] lines = ndjson.body().split("\n");
    assertThat(lines).hasSize(10);
    for (String line : lines) {
      JsonNode entry = Json.MAPPER.readTree(line);
      assertThat(entry.get("actor").asText()).isEqualTo("sam");
      assertThat(entry.get("time").asText()).startsWith("2026-11-30");
      assertThat(entry.get("details").asText()).contains("SEC-");
      assertThat(entry.get("hash").asText()).hasSize(64);
    }

    ConsoleVisitor lena = new ConsoleVisitor(server, null);
    lena.login("lena", PASSWORD);
    assertThat(lena.get("/operator/audit.ndjson").status()).isEqualTo(403);
    assertThat(new ConsoleVisitor(server, null).get("/operator/audit.csv").status()).isEqualTo(303);
  }
}
