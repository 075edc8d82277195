package org.waypost.governance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.cli.WaypostCommand;
import org.waypost.testing.CapturedLogs;
import org.waypost.testing.FilesOnDisk;
import org.waypost.testing.Fixtures;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/**
 * Guarantees 5 and 6 over HTTP, the way United States v. Felton would go at Waypost: someone looks
 * a parcel up; a subpoena for the addresses that did is filed, approved by a second operator (never
 * by the one who filed it), executed once; a later request for the same day, after retention, gets
 * a statement that the data is gone and no address; every step is on a verifiable audit record, and
 * the public transparency report counts it all.
 */
class LegalRequestFlowTest {
  private static final Map<String, String> TRUST_LOOPBACK =
      Map.of("server.trustedProxies", "127.0.0.0/8,::1");
  private static final String VISITOR = "203.0.113.99";
  private static final String FIREFOX =
      "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
  private static final String GONE =
      "The security log of 2026-11-20 was destroyed on 2026-11-27 under the 7-day retention"
          + " policy; no data exists for that day.";
  private static final String REQUESTS = "/api/v1/admin/legal-requests";

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T10:00:00Z"));

  /** The command line, run in-process on this test's data folder. */
  private record Command(int exitCode, String out, String err) {
    static Command run(String... args) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = WaypostCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
      return new Command(code, out.toString(), err.toString());
    }
  }

  private static String token(TestApp server, String name, Role... roles) {
    server.app().operators().add(name, Set.of(roles), "a long enough password");
    return "Bearer " + server.app().operators().issueToken(name);
  }

  private static TestApp.Response post(TestApp server, String token, String path, String body) {
    return server.post(path, "application/json", body, "Authorization", token);
  }

  private static String filing(String process, String caseReference, String number) {
    return "{\"authority\": \"U.S. District Court, W.D. La.\", \"legalProcess\": \""
        + process
        + "\", \"caseReference\": \""
        + caseReference
        + "\", \"trackingNumbers\": [\""
        + number
        + "\"], \"from\": \"2026-11-20\", \"to\": \"2026-11-20\"}";
  }

  private static String parcel(TestApp server) {
    long shipper = server.app().apiKeys().create("Acme").shipper().id();
    return server
        .app()
        .shipments()
        .register(shipper, Fixtures.priorityToFairfax())
        .trackingNumber();
  }

  private static JsonNode row(JsonNode period, String process) {
    for (JsonNode row : period.get("byProcess")) {
      if (row.get("legalProcess").asText().equals(process)) {
        return row;
      }
    }
    throw new AssertionError("no row for " + process + " in " + period);
  }

  private static void assertCounts(
      JsonNode row, int received, int rejected, int disclosed, int noData, int pending) {
    assertThat(row.get("received").asInt()).as("received").isEqualTo(received);
    assertThat(row.get("rejected").asInt()).as("rejected").isEqualTo(rejected);
    assertThat(row.get("disclosed").asInt()).as("disclosed").isEqualTo(disclosed);
    assertThat(row.get("noData").asInt()).as("noData").isEqualTo(noData);
    assertThat(row.get("pending").asInt()).as("pending").isEqualTo(pending);
  }

  @Test
  void aSubpoenaIsApprovedByASecondOperatorExecutedOnceAndFindsNothingAfterRetention()
      throws IOException {
    try (CapturedLogs logs = new CapturedLogs();
        TestApp server = TestApp.start(StoreKind.SQLITE, dir, clock, TRUST_LOOPBACK)) {
      String number = parcel(server);
      assertThat(
              server
                  .get(
                      "/api/v1/tracking/" + number,
                      "X-Forwarded-For",
                      VISITOR,
                      "User-Agent",
                      FIREFOX)
                  .status())
          .isEqualTo(200);
      server.app().capture().flush();
      String both = token(server, "lee", Role.LEGAL, Role.PRIVACY);
      String legal = token(server, "lena", Role.LEGAL);
      String privacy = token(server, "priya", Role.PRIVACY);

      // filed by an operator who holds both roles, who still cannot approve it
      var filed = post(server, both, REQUESTS, filing("SUBPOENA", "3:19-cr-00123", number));
      assertThat(filed.status()).as(filed.body()).isEqualTo(201);
      JsonNode subpoena = filed.json();
      assertThat(subpoena.get("status").asText()).isEqualTo("PENDING");
      assertThat(subpoena.get("emergency").asBoolean()).isFalse();
      assertThat(subpoena.get("legalProcess").asText()).isEqualTo("SUBPOENA");
      assertThat(subpoena.get("trackingNumbers").get(0).asText()).isEqualTo(number);
      assertThat(subpoena.get("filedBy").asText()).isEqualTo("lee");
      assertThat(subpoena.get("filedAt").asText()).isEqualTo("2026-11-20T10:00:00Z");
      String first = REQUESTS + "/" + subpoena.get("id").asLong();

      var self = post(server, both, first + "/approve", "");
      assertThat(self.status()).isEqualTo(403);
      assertThat(self.json().get("type").asText()).isEqualTo("/problems/forbidden");
      assertThat(self.json().get("detail").asText())
          .isEqualTo("the operator who filed a request cannot decide it");
      var legalOnly = post(server, legal, first + "/approve", "");
      assertThat(legalOnly.status()).isEqualTo(403);
      assertThat(legalOnly.json().get("detail").asText()).contains("privacy role");
      assertThat(post(server, legal, first + "/execute", "").status())
          .as("not approved yet")
          .isEqualTo(409);

      var approved = post(server, privacy, first + "/approve", "");
      assertThat(approved.status()).as(approved.body()).isEqualTo(200);
      assertThat(approved.json().get("status").asText()).isEqualTo("APPROVED");
      assertThat(approved.json().get("decidedBy").asText()).isEqualTo("priya");
      assertThat(post(server, privacy, first + "/execute", "").status())
          .as("executing needs the legal role")
          .isEqualTo(403);

      var executed = post(server, legal, first + "/execute", "");
      assertThat(executed.status()).as(executed.body()).isEqualTo(200);
      JsonNode disclosure = executed.json();
      assertThat(disclosure.at("/request/status").asText()).isEqualTo("DISCLOSED");
      assertThat(disclosure.at("/request/recordsDisclosed").asInt()).isEqualTo(1);
      assertThat(disclosure.at("/request/executedBy").asText()).isEqualTo("lena");
      JsonNode record = disclosure.get("records").get(0);
      assertThat(record.get("ip").asText()).isEqualTo(VISITOR);
      assertThat(record.get("trackingNumber").asText()).isEqualTo(number);
      assertThat(record.get("day").asText()).isEqualTo("2026-11-20");
      assertThat(record.get("time").asText()).isEqualTo("2026-11-20T10:00:00Z");
      assertThat(record.get("browserFamily").asText()).isEqualTo("Firefox");
      assertThat(disclosure.get("records")).hasSize(1);
      assertThat(disclosure.get("destroyed")).isEmpty();
      assertThat(executed.header("Cache-Control")).isEqualTo("no-store");

      var again = post(server, legal, first + "/execute", "");
      assertThat(again.status()).isEqualTo(409);
      assertThat(again.json().get("type").asText()).isEqualTo("/problems/conflict");
      var shown = server.get(first, "Authorization", privacy).json();
      assertThat(shown.get("status").asText()).isEqualTo("DISCLOSED");
      assertThat(shown.toString()).doesNotContain(VISITOR);

      // a second request, rejected: never without a reason
      var order = post(server, legal, REQUESTS, filing("COURT_ORDER", "CO-2026-77", number));
      assertThat(order.status()).isEqualTo(201);
      String second = REQUESTS + "/" + order.json().get("id").asLong();
      var noReason = post(server, privacy, second + "/reject", "");
      assertThat(noReason.status()).isEqualTo(400);
      assertThat(noReason.json().get("type").asText()).isEqualTo("/problems/validation-failed");
      assertThat(noReason.json().get("detail").asText()).contains("reason");
      assertThat(post(server, privacy, second + "/reject", "{\"reason\": \" \"}").status())
          .isEqualTo(400);
      var rejected =
          post(
              server,
              privacy,
              second + "/reject",
              "{\"reason\": \"The order does not name this service.\"}");
      assertThat(rejected.status()).as(rejected.body()).isEqualTo(200);
      assertThat(rejected.json().get("status").asText()).isEqualTo("REJECTED");
      assertThat(rejected.json().get("decisionReason").asText())
          .isEqualTo("The order does not name this service.");
      assertThat(post(server, legal, second + "/execute", "").status()).isEqualTo(409);

      // the record so far holds, over HTTP and on the command line
      var verified = server.get("/api/v1/admin/audit/verify", "Authorization", privacy);
      assertThat(verified.status()).isEqualTo(200);
      assertThat(verified.json().get("intact").asBoolean()).isTrue();
      Command verify = Command.run("audit", "verify", "--data", dir.toString());
      assertThat(verify.exitCode()).as(verify.err()).isZero();
      assertThat(verify.out())
          .startsWith("audit log intact: " + verified.json().get("entries").asLong() + " entries");

      // a week later, retention has destroyed the day: the same question finds nothing
      clock.set(Instant.parse("2026-11-27T09:00:00Z"));
      Command retention =
          Command.run("retention", "run", "--at", "2026-11-27T00:00:00Z", "--data", dir.toString());
      assertThat(retention.exitCode()).as(retention.err()).isZero();
      assertThat(retention.out()).contains("day keys destroyed:").contains("2026-11-20");
      var warrant = post(server, legal, REQUESTS, filing("SEARCH_WARRANT", "SW-2026-5", number));
      assertThat(warrant.status()).isEqualTo(201);
      String third = REQUESTS + "/" + warrant.json().get("id").asLong();
      assertThat(post(server, privacy, third + "/approve", "{}").status()).isEqualTo(200);
      var late = post(server, legal, third + "/execute", "");
      assertThat(late.status()).as(late.body()).isEqualTo(200);
      assertThat(late.json().at("/request/status").asText()).isEqualTo("NO_DATA");
      assertThat(late.json().at("/request/daysDestroyed").asInt()).isEqualTo(1);
      assertThat(late.json().get("records")).isEmpty();
      JsonNode destroyed = late.json().get("destroyed").get(0);
      assertThat(destroyed.get("day").asText()).isEqualTo("2026-11-20");
      assertThat(destroyed.get("destroyedOn").asText()).isEqualTo("2026-11-27");
      assertThat(destroyed.get("statement").asText()).isEqualTo(GONE);
      assertThat(late.body()).doesNotContain(VISITOR);

      // the public report counts all three, by process and outcome
      var report = server.get("/api/v1/transparency");
      assertThat(report.status()).isEqualTo(200);
      JsonNode period = report.json().get("periods").get(0);
      assertThat(period.get("period").asText()).isEqualTo("2026-H2");
      assertCounts(row(period, "SUBPOENA"), 1, 0, 1, 0, 0);
      assertCounts(row(period, "COURT_ORDER"), 1, 1, 0, 0, 0);
      assertCounts(row(period, "SEARCH_WARRANT"), 1, 0, 0, 1, 0);
      assertCounts(row(period, "EMERGENCY"), 0, 0, 0, 0, 0);
      assertCounts(period.get("total"), 3, 1, 1, 1, 0);
      assertThat(period.at("/total/recordsDisclosed").asInt())
          .as("records disclosed, as the request itself counts them")
          .isEqualTo(disclosure.at("/request/recordsDisclosed").asInt());
      assertThat(row(period, "SUBPOENA").get("recordsDisclosed").asInt()).isEqualTo(1);
      assertThat(period.get("addressReveals").asInt()).isZero();
      assertThat(report.json().at("/latestCheckpoint/seq").asLong()).isPositive();
      assertThat(report.json().at("/latestCheckpoint/hash").asText()).hasSize(64);
      assertThat(report.json().at("/latestCheckpoint/signature").asText()).isNotBlank();
      assertThat(report.body())
          .doesNotContain(number)
          .doesNotContain("3:19-cr-00123")
          .doesNotContain(VISITOR);

      // every step is on the record, which still verifies, and the address is nowhere in it
      var audit = server.get("/api/v1/admin/audit?limit=500", "Authorization", privacy);
      List<String> actions = new ArrayList<>();
      audit
          .json()
          .get("entries")
          .forEach(
              e -> {
                if (e.get("action").asText().startsWith("legal.")) {
                  actions.add(e.get("action").asText());
                }
              });
      assertThat(actions)
          .containsExactly(
              "legal.file",
              "legal.approve",
              "legal.execute",
              "legal.file",
              "legal.reject",
              "legal.file",
              "legal.approve",
              "legal.execute");
      assertThat(audit.body()).doesNotContain(VISITOR);
      assertThat(
              server
                  .get("/api/v1/admin/audit/verify", "Authorization", privacy)
                  .json()
                  .get("intact")
                  .asBoolean())
          .isTrue();
      Command verifyAgain = Command.run("audit", "verify", "--data", dir.toString());
      assertThat(verifyAgain.exitCode()).as(verifyAgain.err()).isZero();
      assertThat(verifyAgain.out()).startsWith("audit log intact: ");
      assertNoFileContains(dir, VISITOR);
      server.app().accessLog().flush();
      assertThat(logs.lines()).noneMatch(line -> line.contains(VISITOR));
    }
  }

  private static void assertNoFileContains(Path dir, String secret) throws IOException {
    Map<Path, byte[]> files = FilesOnDisk.read(dir);
    assertThat(files.keySet())
        .anySatisfy(f -> assertThat(f.getFileName().toString()).startsWith("waypost.db"));
    for (var file : files.entrySet()) {
      String content = new String(file.getValue(), StandardCharsets.ISO_8859_1);
      assertThat(content)
          .as("%s holds %s", file.getKey().getFileName(), secret)
          .doesNotContain(secret);
    }
  }

  @Test
  void filingsAndDecisionsAreCheckedOverHttp() {
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir, clock, TRUST_LOOPBACK)) {
      String number = parcel(server);
      String legal = token(server, "lena", Role.LEGAL);
      String privacy = token(server, "priya", Role.PRIVACY);
      String admin = token(server, "ada", Role.ADMIN);
      String valid = filing("EMERGENCY", "EM-1", number);

      assertThat(server.post(REQUESTS, "application/json", valid).status()).isEqualTo(401);
      assertThat(post(server, privacy, REQUESTS, valid).status()).isEqualTo(403);
      for (String[] bad :
          new String[][] {
            {valid.replace("\"caseReference\"", "\"caseRef\""), "caseRef"},
            {valid.replace("2026-11-20\", \"to\"", "20/11/2026\", \"to\""), "from"},
            {valid.replace("EMERGENCY", "LETTER"), "legalProcess"},
            {valid.replace("\"EM-1\"", "\"\""), "caseReference"},
            {valid.replace("[\"" + number + "\"]", "\"" + number + "\""), "trackingNumbers"},
            {valid.replace("[\"" + number + "\"]", "[]"), "trackingNumbers"},
            {valid.replace("\"to\": \"2026-11-20\"", "\"to\": \"2026-11-21\""), "future"},
            {"[]", "JSON object"},
            {"not json", "JSON object"},
            {"", "JSON object"}
          }) {
        var response = post(server, legal, REQUESTS, bad[0]);
        assertThat(response.status()).as(bad[0]).isEqualTo(400);
        assertThat(response.json().get("type").asText()).isEqualTo("/problems/validation-failed");
        assertThat(response.json().get("detail").asText()).as(bad[0]).contains(bad[1]);
      }
      var typo = post(server, legal, REQUESTS, filing("OTHER", "X-1", number.substring(1) + "0"));
      assertThat(typo.status()).isEqualTo(400);
      assertThat(typo.json().get("type").asText()).isEqualTo("/problems/invalid-tracking-number");
      assertThat(typo.json().get("detail").asText()).contains("trackingNumbers");

      var emergency = post(server, legal, REQUESTS, valid);
      assertThat(emergency.status()).isEqualTo(201);
      assertThat(emergency.json().get("emergency").asBoolean()).isTrue();
      assertThat(emergency.json().get("status").asText()).isEqualTo("PENDING");
      long id = emergency.json().get("id").asLong();

      assertThat(server.get(REQUESTS, "Authorization", legal).json().get("legalRequests"))
          .hasSize(1);
      assertThat(server.get(REQUESTS + "/" + id, "Authorization", privacy).status()).isEqualTo(200);
      assertThat(server.get(REQUESTS, "Authorization", admin).status()).isEqualTo(403);
      assertThat(server.get(REQUESTS + "/" + id).status()).isEqualTo(401);
      assertThat(server.get(REQUESTS + "/999", "Authorization", legal).status()).isEqualTo(404);
      assertThat(server.get(REQUESTS + "/abc", "Authorization", legal).status()).isEqualTo(404);
      assertThat(server.get(REQUESTS + "?limit=0", "Authorization", legal).status()).isEqualTo(400);
      var extra = post(server, privacy, REQUESTS + "/" + id + "/approve", "{\"note\": \"ok\"}");
      assertThat(extra.status()).isEqualTo(400);
      assertThat(extra.json().get("detail").asText()).contains("note");
      assertThat(post(server, privacy, REQUESTS + "/999/approve", "").status()).isEqualTo(404);
      assertThat(post(server, privacy, REQUESTS + "/" + id + "/approve", "").status())
          .isEqualTo(200);
      assertThat(post(server, privacy, REQUESTS + "/" + id + "/approve", "").status())
          .isEqualTo(409);
    }
  }

  @Test
  void theTransparencyPageAndStatementsArePublicAndKeptByAdmins() {
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir, clock, TRUST_LOOPBACK)) {
      String admin = token(server, "ada", Role.ADMIN);
      String legal = token(server, "lena", Role.LEGAL);

      var page = server.get("/transparency", "Accept", "text/html");
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.contentType()).startsWith("text/html");
      assertThat(page.body())
          .contains("Legal requests received in 2026-H2 (Jul 1, 2026 to Dec 31, 2026)</caption>")
          .contains("<th scope=\"row\">Search warrant</th>")
          .contains("We have never received a national security letter")
          .contains("Not yet confirmed")
          .doesNotContain("<script");

      JsonNode statements = server.get("/api/v1/transparency").json().get("statements");
      assertThat(statements).hasSize(3);
      assertThat(statements.get(0).get("confirmedOn").isNull()).isTrue();
      String confirm =
          "/api/v1/admin/transparency/statements/"
              + statements.get(0).get("id").asLong()
              + "/confirm";
      assertThat(server.post(confirm, "application/json", "").status()).isEqualTo(401);
      assertThat(post(server, legal, confirm, "").status()).isEqualTo(403);
      var confirmed = post(server, admin, confirm, "");
      assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
      assertThat(confirmed.json().get("confirmedOn").asText()).isEqualTo("2026-11-20");
      assertThat(
              post(server, admin, "/api/v1/admin/transparency/statements/999/confirm", "").status())
          .isEqualTo(404);

      String add = "/api/v1/admin/transparency/statements";
      assertThat(post(server, admin, add, "{\"text\": \"x\", \"date\": \"today\"}").status())
          .isEqualTo(400);
      assertThat(post(server, admin, add, "{}").status()).isEqualTo(400);
      var added =
          post(server, admin, add, "{\"text\": \"We have never been asked to add a backdoor\"}");
      assertThat(added.status()).as(added.body()).isEqualTo(201);
      assertThat(added.json().get("confirmedOn").isNull()).isTrue();

      JsonNode now = server.get("/api/v1/transparency").json().get("statements");
      assertThat(now).hasSize(4);
      assertThat(now.get(0).get("confirmedOn").asText()).isEqualTo("2026-11-20");
      assertThat(now.get(3).get("text").asText())
          .isEqualTo("We have never been asked to add a backdoor");
      assertThat(server.get("/transparency").body())
          .contains("Last confirmed on <time datetime=\"2026-11-20\">Nov 20, 2026</time>")
          .contains("We have never been asked to add a backdoor");
    }
  }
}
