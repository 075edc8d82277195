package org.waypost.governance.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.config.WaypostConfig;
import org.waypost.db.Database;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.governance.AuditLog;
import org.waypost.governance.AuditLog.Entry;
import org.waypost.governance.Checkpoints;
import org.waypost.governance.OperatorAuth;
import org.waypost.governance.Operators;
import org.waypost.governance.Role;
import org.waypost.json.Json;
import org.waypost.keys.MasterKey;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/**
 * What {@code GET /api/v1/admin/audit} and {@code /audit/verify} answer, driven through the methods
 * the handlers call: who may read the log, how parameters are checked, and the JSON shape. The
 * routes are not registered in the App yet; once they are, an HTTP test belongs beside this one.
 */
class AuditRoutesTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
  private Database database;
  private AuditLog audit;
  private AuditRoutes routes;
  private String privacy;
  private String security;
  private long base;

  private void open(StoreKind kind) {
    WaypostConfig config = TestApp.config(kind.freshStore(dir));
    database = Database.open(config.database());
    MasterKey.createIfMissing(Path.of(config.privacy().masterKeyFile()));
    audit =
        new AuditLog(
            database,
            clock,
            new Checkpoints(dir.resolve("checkpoints"), MasterKey.load(config.privacy())));
    Operators operators = new Operators(database, clock, audit);
    operators.add("priya", Set.of(Role.PRIVACY), "a long privacy password");
    operators.add("sam", Set.of(Role.SECURITY, Role.ADMIN, Role.LEGAL), "a long security password");
    privacy = "Bearer " + operators.issueToken("priya");
    security = "Bearer " + operators.issueToken("sam");
    routes = new AuditRoutes(audit, new OperatorAuth(operators), null);
    base = audit.list(0, 500).size(); // creating the operators and their tokens is on the record
  }

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
  }

  private List<Entry> reveals(int count) {
    for (int i = 1; i <= count; i++) {
      int n = i;
      clock.advance(Duration.ofMinutes(1));
      database.inTransaction(
          c -> audit.append(c, "sam", "incident.reveal", "incident-" + n, Map.of("n", n)));
    }
    return audit.list(base, count);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void onlyThePrivacyRoleReadsOrVerifiesTheLog(StoreKind kind) {
    open(kind);
    reveals(1);

    for (String header :
        new String[] {null, "", "Bearer nope", privacy.replace("Bearer", "Basic")}) {
      assertProblem(() -> routes.page(header, null, null), ProblemType.UNAUTHORIZED);
      assertProblem(() -> routes.verification(header), ProblemType.UNAUTHORIZED);
    }
    assertProblem(() -> routes.page(security, null, null), ProblemType.FORBIDDEN);
    assertProblem(() -> routes.verification(security), ProblemType.FORBIDDEN);

    assertThat(routes.page(privacy, null, null).entries()).hasSize((int) base + 1);
    assertThat(routes.verification(privacy).intact()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void pagesFollowOneAnother(StoreKind kind) {
    open(kind);
    List<Entry> entries = reveals(5);

    AuditRoutes.Page first = routes.page(privacy, String.valueOf(base), "2");
    AuditRoutes.Page second = routes.page(privacy, String.valueOf(first.nextAfter()), "2");
    AuditRoutes.Page last = routes.page(privacy, String.valueOf(second.nextAfter()), null);

    assertThat(first.entries()).containsExactlyElementsOf(entries.subList(0, 2));
    assertThat(first.nextAfter()).isEqualTo(base + 2);
    assertThat(second.entries()).containsExactlyElementsOf(entries.subList(2, 4));
    assertThat(last.entries()).containsExactly(entries.get(4));
    assertThat(last.nextAfter()).isNull();
    assertThat(routes.page(privacy, "0", "500").entries()).hasSize((int) base + 5);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void badParametersAreNamed(StoreKind kind) {
    open(kind);

    for (String limit : new String[] {"0", "501", "-1", "ten", "1.5", "99999999999"}) {
      assertThatThrownBy(() -> routes.page(privacy, null, limit))
          .as(limit)
          .isInstanceOfSatisfying(
              ProblemException.class,
              e -> {
                assertThat(e.type()).isEqualTo(ProblemType.VALIDATION_FAILED);
                assertThat(e.detail()).isEqualTo("limit must be a whole number from 1 to 500");
              });
    }
    for (String after : new String[] {"-1", "x", "1e3"}) {
      assertThatThrownBy(() -> routes.page(privacy, after, null))
          .as(after)
          .isInstanceOfSatisfying(
              ProblemException.class,
              e -> assertThat(e.detail()).isEqualTo("after must be a whole number of at least 0"));
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theAnswersHaveTheirJsonShape(StoreKind kind) throws Exception {
    open(kind);
    List<Entry> entries = reveals(3);
    audit.checkpoint();

    JsonNode page =
        Json.MAPPER.readTree(Json.bytes(routes.page(privacy, String.valueOf(base + 1), "1")));
    JsonNode verification = Json.MAPPER.readTree(Json.bytes(routes.verification(privacy)));

    Entry second = entries.get(1);
    assertThat(page.get("nextAfter").asLong()).isEqualTo(base + 2);
    JsonNode entry = page.get("entries").get(0);
    assertThat(entry.fieldNames())
        .toIterable()
        .containsExactly("seq", "time", "actor", "action", "target", "details", "prevHash", "hash");
    assertThat(entry.get("seq").asLong()).isEqualTo(base + 2);
    assertThat(entry.get("time").asText()).isEqualTo("2026-11-29T12:02:00Z");
    assertThat(entry.get("actor").asText()).isEqualTo("sam");
    assertThat(entry.get("action").asText()).isEqualTo("incident.reveal");
    assertThat(entry.get("target").asText()).isEqualTo("incident-2");
    assertThat(entry.get("details").asText()).isEqualTo("{\"n\":2}");
    assertThat(entry.get("prevHash").asText()).isEqualTo(entries.get(0).hash());
    assertThat(entry.get("hash").asText()).isEqualTo(second.hash());

    assertThat(verification.toString())
        .isEqualTo(
            "{\"intact\":true,\"entries\":"
                + (base + 3)
                + ",\"headHash\":\""
                + entries.get(2).hash()
                + "\",\"firstBrokenSeq\":null,\"problem\":null,\"checkpointSeq\":"
                + (base + 3)
                + "}");
  }

  private static void assertProblem(ThrowingCallable call, ProblemType type) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.type()).isEqualTo(type));
  }
}
