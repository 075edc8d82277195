package org.waypost.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
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
import org.waypost.testing.ConsoleVisitor;
import org.waypost.testing.Fixtures;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.testing.TestServer;

/**
 * Legal requests in the console over HTTP: a status line that says who acts next, a due day that
 * turns overdue, and the disclosure exported once as CSV whose SHA-256 the audit log records.
 */
class ConsoleLegalTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static final String VISITOR = "203.0.113.99";
  private static final Instant START = Instant.parse("2026-11-20T10:00:00Z");

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(START);
  private TestApp server;
  private String parcel;

  @BeforeEach
  void start() {
    server =
        TestApp.start(
            StoreKind.SQLITE, dir, clock, Map.of("server.trustedProxies", "127.0.0.0/8,::1"));
    server.app().operators().add("lena", Set.of(Role.LEGAL), PASSWORD);
    server.app().operators().add("piet", Set.of(Role.PRIVACY), PASSWORD);
    long shipper = server.app().apiKeys().create("Acme").shipper().id();
    parcel =
        server.app().shipments().register(shipper, Fixtures.priorityToFairfax()).trackingNumber();
    assertThat(server.get("/api/v1/tracking/" + parcel, "X-Forwarded-For", VISITOR).status())
        .isEqualTo(200);
    server.app().capture().flush();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void theStatusSaysWhoActsNextAndARequestLeftOpenTurnsOverdue() {
    ConsoleVisitor lena = login("lena");
    String request = file(lena, "SUBPOENA");
    String emergency = file(lena, "EMERGENCY");

    Document pending = Jsoup.parse(lena.get(request).body());
    assertThat(pending.select(".next-step").text())
        .isEqualTo("Waiting for a privacy officer other than lena to approve or reject it.");
    assertThat(pending.select("dd.due").text()).isEqualTo("2026-12-20");
    assertThat(Jsoup.parse(lena.get(emergency).body()).select("dd.due").text())
        .isEqualTo("2026-11-21");

    ConsoleVisitor piet = login("piet");
    assertThat(piet.post(request + "/approve", Map.of("csrf", piet.csrf("/operator"))).status())
        .isEqualTo(303);
    assertThat(Jsoup.parse(piet.get(request).body()).select(".next-step").text())
        .isEqualTo("Approved by piet. Waiting for an operator with the legal role to execute it.");
    assertThat(
            piet.post(
                    emergency + "/reject",
                    Map.of("csrf", piet.csrf("/operator"), "reason", "No warrant attached"))
                .status())
        .isEqualTo(303);
    assertThat(Jsoup.parse(piet.get(emergency).body()).select(".next-step").text())
        .isEqualTo("Rejected by piet. Closed: nothing more to do.");

    clock.advance(Duration.ofDays(31));
    ConsoleVisitor later = login("piet");
    Document list = Jsoup.parse(later.get("/operator/legal").body());
    assertThat(list.select("tbody tr")).hasSize(2);
    assertThat(list.select("tbody tr").get(1).select(".overdue").text())
        .as("approved, never executed, past its day")
        .isEqualTo("overdue");
    assertThat(list.select("tbody tr").get(0).select(".overdue"))
        .as("a rejected request is closed, never overdue")
        .isEmpty();
    assertThat(Jsoup.parse(later.get(request).body()).select("dd.due").text())
        .isEqualTo("2026-12-20 overdue");
    String token = "Bearer " + server.app().operators().issueToken("piet");
    JsonNode api =
        server
            .get(
                "/api/v1/admin/legal-requests/" + request.substring(request.lastIndexOf('/') + 1),
                "Authorization",
                token)
            .json();
    assertThat(api.get("dueOn").asText()).isEqualTo("2026-12-20");
    assertThat(api.get("overdue").asBoolean()).isTrue();
  }

  @Test
  void theDisclosureIsExportedOnceAsCsvWhoseHashTheAuditLogRecords() throws Exception {
    ConsoleVisitor lena = login("lena");
    String request = file(lena, "SUBPOENA");
    ConsoleVisitor piet = login("piet");
    piet.post(request + "/approve", Map.of("csrf", piet.csrf("/operator")));

    TestServer.Response early = lena.get(request + "/disclosure.csv");
    assertThat(early.status()).isEqualTo(409);
    assertThat(Jsoup.parse(early.body()).select("[role=alert]").text())
        .contains("has not been executed");

    TestServer.Response executed =
        lena.post(request + "/execute", Map.of("csrf", lena.csrf("/operator")));
    assertThat(executed.status()).isEqualTo(200);
    Document page = Jsoup.parse(executed.body());
    String href = page.select("a.disclosure-csv").attr("href");
    String prefix = "data:text/csv;charset=utf-8;base64,";
    assertThat(href).startsWith(prefix);
    assertThat(page.select("a.disclosure-csv").attr("download"))
        .matches("legal-request-\\d+-disclosure\\.csv");
    byte[] csv = Base64.getDecoder().decode(href.substring(prefix.length()));
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(csv));
    assertThat(page.select("code.disclosure-sha256").text()).isEqualTo(sha256);

    List<List<String>> rows = AnalyticsBrowserTest.parse(new String(csv, StandardCharsets.UTF_8));
    String id = request.substring(request.lastIndexOf('/') + 1);
    assertThat(rows.get(0))
        .containsExactly(
            "legalRequest",
            "caseReference",
            "trackingNumber",
            "day",
            "time",
            "ip",
            "browser",
            "statement");
    assertThat(rows).hasSize(2);
    assertThat(rows.get(1).subList(0, 4)).containsExactly(id, "2026-CR-17", parcel, "2026-11-20");
    assertThat(rows.get(1).get(5)).isEqualTo(VISITOR);

    AuditLog.Entry entry = server.app().audit().latest("legal.execute").orElseThrow();
    assertThat(entry.details()).contains("\"disclosureCsvSha256\":\"" + sha256 + "\"");
    assertThat(entry.details()).doesNotContain(VISITOR);
    assertThat(page.select(".disclosure dl.facts dd").eachText())
        .contains("audit log entry " + entry.seq());

    Document after = Jsoup.parse(lena.get(request).body());
    assertThat(after.select("a.disclosure-csv")).as("exported once").isEmpty();
    assertThat(after.select("code.disclosure-sha256").text()).isEqualTo(sha256);
    TestServer.Response again = lena.get(request + "/disclosure.csv");
    assertThat(again.status()).as("a second export is refused").isEqualTo(409);
    assertThat(Jsoup.parse(again.body()).select("[role=alert]").text())
        .contains("exported once")
        .contains(sha256);
    assertThat(again.body()).doesNotContain(VISITOR);
    assertThat(lena.post(request + "/execute", Map.of("csrf", lena.csrf("/operator"))).status())
        .isEqualTo(409);
  }

  @Test
  void theApiExecutionCarriesTheSameCsvAndHash() throws Exception {
    server.app().operators().add("lex", Set.of(Role.LEGAL), PASSWORD);
    server.app().operators().add("pia", Set.of(Role.PRIVACY), PASSWORD);
    String legal = "Bearer " + server.app().operators().issueToken("lex");
    String privacy = "Bearer " + server.app().operators().issueToken("pia");
    String body =
        "{\"authority\": \"Court\", \"legalProcess\": \"COURT_ORDER\", \"caseReference\": \"C-1\","
            + " \"trackingNumbers\": [\""
            + parcel
            + "\"], \"from\": \"2026-11-20\", \"to\": \"2026-11-20\"}";
    long id =
        server
            .post("/api/v1/admin/legal-requests", "application/json", body, "Authorization", legal)
            .json()
            .get("id")
            .asLong();
    server.post(
        "/api/v1/admin/legal-requests/" + id + "/approve",
        "application/json",
        "",
        "Authorization",
        privacy);
    JsonNode executed =
        server
            .post(
                "/api/v1/admin/legal-requests/" + id + "/execute",
                "application/json",
                "",
                "Authorization",
                legal)
            .json();
    String csv = executed.get("disclosureCsv").asText();
    String sha256 =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256").digest(csv.getBytes(StandardCharsets.UTF_8)));
    assertThat(executed.get("disclosureCsvSha256").asText()).isEqualTo(sha256);
    assertThat(executed.at("/request/disclosureSha256").asText()).isEqualTo(sha256);
    assertThat(csv).startsWith("legalRequest,caseReference,").contains(VISITOR);
    AuditLog.Entry entry =
        server.app().audit().list(executed.get("auditSeq").asLong() - 1, 1).get(0);
    assertThat(entry.action()).isEqualTo("legal.execute");
    assertThat(entry.details()).contains(sha256);
  }

  private ConsoleVisitor login(String name) {
    ConsoleVisitor visitor = new ConsoleVisitor(server, null);
    assertThat(visitor.login(name, PASSWORD).status()).isEqualTo(303);
    return visitor;
  }

  private String file(ConsoleVisitor lena, String process) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("csrf", lena.csrf("/operator"));
    form.put("authority", "District Court");
    form.put("process", process);
    form.put("caseReference", "2026-CR-17");
    form.put("trackingNumbers", parcel);
    form.put("from", "2026-11-20");
    form.put("to", "2026-11-20");
    TestServer.Response filed = lena.post("/operator/legal", form);
    assertThat(filed.status()).isEqualTo(303);
    return filed.header("Location");
  }
}
