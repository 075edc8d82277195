package org.waypost.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.config.DatabaseConfig;
import org.waypost.config.WaypostConfig;
import org.waypost.db.Database;
import org.waypost.testing.CapturedLogs;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/** {@code serve} says when it shares the database with another node and limits stay per node. */
class HeartbeatsTest {
  @TempDir Path dir;
  private final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

  private long warnings(CapturedLogs logs) {
    return logs.lines().stream().filter(l -> l.contains(Heartbeats.WARNING)).count();
  }

  @Test
  void aSecondNodeWithoutRedisWarnsAtStart() {
    Map<String, String> overrides = new HashMap<>(StoreKind.POSTGRESQL.freshStore(dir));
    overrides.put("server.port", "0");
    WaypostConfig config = TestApp.config(overrides);
    try (CapturedLogs logs = new CapturedLogs()) {
      TestApp first = TestApp.start(config, clock);
      try (first) {
        assertThat(warnings(logs)).isZero();
        TestApp second = TestApp.start(config, clock);
        second.close();
        assertThat(warnings(logs)).isEqualTo(1);
      }
    }
  }

  private Database postgres() {
    return Database.open(
        new DatabaseConfig(
            StoreKind.POSTGRESQL.freshStore(dir).get("database.url"), "postgres", "", 2));
  }

  @Test
  void warnsOnceWhileTheOtherNodeBeatsAndAgainWhenOneReturns() {
    try (Database database = postgres();
        CapturedLogs logs = new CapturedLogs()) {
      Heartbeats me = new Heartbeats(database, clock, true);
      Heartbeats other = new Heartbeats(database, clock, false); // only `me` speaks
      me.beat();
      assertThat(warnings(logs)).isZero();

      other.beat();
      me.beat();
      me.beat();
      assertThat(warnings(logs)).isEqualTo(1);

      clock.advance(Heartbeats.ALIVE.plusSeconds(1)); // the other node stopped
      me.beat();
      other.beat();
      me.beat();
      assertThat(warnings(logs)).isEqualTo(2);
    }
  }

  @Test
  void withRedisNodesShareLimitsAndNothingIsSaid() {
    try (Database database = postgres();
        CapturedLogs logs = new CapturedLogs()) {
      new Heartbeats(database, clock, false).beat();
      new Heartbeats(database, clock, false).beat();
      assertThat(warnings(logs)).isZero();
    }
  }
}
