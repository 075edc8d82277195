package org.waypost.governance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
 * would lose it for good.
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
