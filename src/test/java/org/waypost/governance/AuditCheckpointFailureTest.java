package org.waypost.governance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.App;
import org.waypost.config.WaypostConfig;
import org.waypost.governance.LegalRequests.Disclosure;
import org.waypost.governance.LegalRequests.Filing;
import org.waypost.governance.LegalRequests.LegalRequest;
import org.waypost.keys.MasterKey;
import org.waypost.testing.CapturedLogs;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.tracking.TrackingNumber;
import org.waypost.visitor.SecurityLogStore;

/**
 * A checkpoint folder that cannot be written must not fail an action that already committed: the
 * one-time disclosure of a legal request cannot be executed again, so losing its answer to a 500
 * would lose it for good; an address reveal retried after a 500 would be revealed, and recorded,
 * twice. The entry is signed in the database with the action; the file catches up later.
 */
class AuditCheckpointFailureTest {
  private static final Instant START = Instant.parse("2026-11-20T10:00:00Z");
  private static final LocalDate DAY = LocalDate.parse("2026-11-20");
  private static final Operator LENA = new Operator(1, "lena", Set.of(Role.LEGAL));
  private static final Operator PRIYA = new Operator(2, "priya", Set.of(Role.PRIVACY));

  @TempDir Path dir;
  private App app;

  @AfterEach
  void close() {
    if (app != null) {
      app.close();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aRevealAnswersOnceAndIsRecordedOnceWhenTheCheckpointFileCannotBeWritten(StoreKind kind)
      throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
    try (CapturedLogs logs = new CapturedLogs();
        TestApp server =
            TestApp.start(kind, dir, clock, Map.of("server.trustedProxies", "127.0.0.0/8,::1"))) {
      for (int i = 0; i < 25; i++) {
        String unknown = TrackingNumber.issueImpb("055", "654321", 900_000 + i).value();
        server.get("/api/v1/tracking/" + unknown, "X-Forwarded-For", "203.0.113.50");
      }
      server.app().operators().add("sec", Set.of(Role.SECURITY), "correct horse battery");
      String security = "Bearer " + server.app().operators().issueToken("sec");
      long id =
          server
              .get("/api/v1/admin/incidents", "Authorization", security)
              .json()
              .at("/incidents/0/id")
              .asLong();
      // The checkpoint file replaced by a folder: it can be neither read nor written (whatever the
      // user, root included, for whom a read-only mode would change nothing); the signing key
      // beside it stays readable.
      Path folder = dir.resolve("checkpoints");
      Path file = folder.resolve(Checkpoints.CHECKPOINTS_FILE);
      Files.delete(file);
      Files.createDirectory(file);

      var revealed =
          server.post(
              "/api/v1/admin/incidents/" + id + "/reveal",
              "application/json",
              "{\"reason\":\"Ticket SEC-42\"}",
              "Authorization",
              security);

      assertThat(revealed.status()).as(revealed.body()).isEqualTo(200);
      assertThat(revealed.json().get("ip").asText()).isEqualTo("203.0.113.50");
      AuditLog audit = server.app().audit();
      assertThat(audit.list(0, 100))
          .filteredOn(e -> e.action().equals("incident.reveal"))
          .singleElement()
          .satisfies(e -> assertThat(e.seq()).isEqualTo(revealed.json().get("auditSeq").asLong()));
      assertThat(logs.lines()).anyMatch(line -> line.startsWith("audit checkpoint failed"));
      assertThat(audit.verify().problem()).as("the file cannot be read").contains("cannot read");
      assertThat(audit.checkpointWhenPossible())
          .as("what the scheduled job counts as its last success")
          .isFalse();

      // The folder repaired, the scheduled checkpoint brings the file up to the reveal.
      Files.delete(file);
      assertThat(audit.checkpointWhenPossible()).isTrue();
      assertThat(audit.verify())
          .satisfies(v -> assertThat(v.intact()).as(v.problem()).isTrue())
          .satisfies(
              v ->
                  assertThat(v.checkpointSeq())
                      .isEqualTo(revealed.json().get("auditSeq").asLong()));
      assertThat(Files.readAllLines(file)).hasSize(1);
    }
  }

  @Test
  void anExecutedRequestReturnsItsDisclosureWhenTheCheckpointCannotBeWritten() throws Exception {
    WaypostConfig config = TestApp.config(StoreKind.SQLITE.freshStore(dir));
    MasterKey.createIfMissing(Path.of(config.privacy().masterKeyFile()));
    Path folder = Path.of(config.privacy().keyDir()).toAbsolutePath().resolveSibling("checkpoints");
    MutableClock clock = new MutableClock(START);

    try (CapturedLogs logs = new CapturedLogs()) {
      app = App.open(config, clock);
      LegalRequests requests =
          new LegalRequests(
              app.database(),
              app.audit(),
              app.keys(),
              new SecurityLogStore(app.database().dialect()),
              clock,
              7);
      String number = TrackingNumber.issueImpb("055", "654321", 7_001).value();
      LegalRequest filed =
          requests.file(
              LENA,
              new Filing(
                  "Western District Court",
                  LegalProcess.SUBPOENA,
                  "2026-GJ-0042",
                  List.of(number),
                  DAY,
                  DAY));
      requests.approve(filed.id(), PRIYA);
      // A file where the checkpoint folder should be: every checkpoint read or write fails.
      try (Stream<Path> files = Files.list(folder)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(folder);
      Files.writeString(folder, "not a folder\n");

      Disclosure disclosure = requests.execute(filed.id(), LENA);

      assertThat(disclosure.request().status()).isEqualTo(LegalStatus.NO_DATA);
      assertThat(requests.find(filed.id()).orElseThrow().status()).isEqualTo(LegalStatus.NO_DATA);
      assertThat(app.audit().latest("legal.execute")).isPresent();
      List<String> failures =
          logs.lines().stream().filter(line -> line.startsWith("audit checkpoint failed")).toList();
      assertThat(failures).isNotEmpty();
      assertThat(String.join("\n", failures)).doesNotContain(number);
    }
  }
}
