package org.waypost.governance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.db.Database;
import org.waypost.governance.AuditLog.Entry;
import org.waypost.governance.AuditLog.Filter;
import org.waypost.testing.Audits;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/** Reading the audit log filtered by actor, action (or its family) and time, on both stores. */
class AuditFilterTest {
  private static final Instant START = Instant.parse("2026-11-29T23:00:00Z");

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(START);
  private Database database;

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void entriesAreFoundByActorActionFamilyAndTimeNewestFirst(StoreKind kind) {
    database = Database.open(TestApp.config(kind.freshStore(dir)).database());
    AuditLog audit = Audits.withoutCheckpoints(database, clock, dir);
    append(audit, "lena", "legal.file"); // 1, 23:00 on the 29th
    append(audit, "piet", "legal.approve"); // 2, 23:40
    append(audit, "lena", "legal.execute"); // 3, 00:20 on the 30th
    append(audit, "sam", "incident.reveal"); // 4
    append(audit, "lena", "legalese.test"); // 5: not of the legal family
    append(audit, "lena", "legal.file"); // 6

    assertThat(seqs(audit.find(Filter.ALL, Long.MAX_VALUE, 10)))
        .containsExactly(6L, 5L, 4L, 3L, 2L, 1L);
    assertThat(seqs(audit.find(new Filter("lena", null, null, null), Long.MAX_VALUE, 10)))
        .containsExactly(6L, 5L, 3L, 1L);
    assertThat(seqs(audit.find(new Filter(null, "legal", null, null), Long.MAX_VALUE, 10)))
        .as("the family, not every action that begins alike")
        .containsExactly(6L, 3L, 2L, 1L);
    assertThat(seqs(audit.find(new Filter(null, "legal.file", null, null), Long.MAX_VALUE, 10)))
        .containsExactly(6L, 1L);
    assertThat(seqs(audit.find(new Filter("lena", "legal", null, null), 6, 10)))
        .as("the page below entry 6")
        .containsExactly(3L, 1L);
    assertThat(seqs(audit.find(new Filter(null, null, null, null), Long.MAX_VALUE, 2)))
        .containsExactly(6L, 5L);
    Instant midnight = Instant.parse("2026-11-30T00:00:00Z");
    assertThat(seqs(audit.find(new Filter(null, null, null, midnight), Long.MAX_VALUE, 10)))
        .containsExactly(2L, 1L);
    assertThat(seqs(audit.find(new Filter(null, "legal", midnight, null), Long.MAX_VALUE, 10)))
        .containsExactly(6L, 3L);
    assertThat(audit.find(new Filter("nobody", null, null, null), Long.MAX_VALUE, 10)).isEmpty();
  }

  private void append(AuditLog audit, String actor, String action) {
    database.inTransaction(c -> audit.append(c, actor, action, "t", Map.of("n", 1)));
    clock.advance(Duration.ofMinutes(40));
  }

  private static List<Long> seqs(List<Entry> entries) {
    return entries.stream().map(Entry::seq).toList();
  }
}
