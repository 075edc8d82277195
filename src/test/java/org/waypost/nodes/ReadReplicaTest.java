package org.waypost.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.App;
import org.waypost.config.DatabaseConfig;
import org.waypost.config.WaypostConfig;
import org.waypost.db.Database;
import org.waypost.testing.EmbeddedPg;
import org.waypost.testing.Fixtures;
import org.waypost.testing.Sql;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.tracking.TrackingNumber;

/**
 * A node with {@code database.replicaUrl}. The "replica" is a second database on the same embedded
 * PostgreSQL that nothing keeps in sync, so what a node answers shows which pool it read: a piece
 * stored only in the replica is found, a piece stored only in the primary is found only when this
 * node wrote it (its own write, read back from the primary).
 */
class ReadReplicaTest {
  private static final String ONLY_IN_REPLICA = number(1);
  private static final String WRITTEN_HERE = number(2);
  private static final String WRITTEN_ELSEWHERE = number(3);

  @TempDir Path dir;
  private final Map<String, String> primary = new HashMap<>();
  private String replicaUrl;
  private TestApp node;

  private static String number(int serial) {
    return TrackingNumber.issueImpb("055", "654321", 700_000 + serial).value();
  }

  @BeforeEach
  void primaryAndReplica() {
    primary.putAll(StoreKind.POSTGRESQL.freshStore(dir));
    primary.put("server.port", "0");
    replicaUrl = EmbeddedPg.newDatabase();
    // the replica's schema and one piece the primary never had
    Map<String, String> asReplica = new HashMap<>(primary);
    asReplica.put("database.url", replicaUrl);
    asReplica.put("privacy.keyDir", dir.resolve("replica-keys").toString());
    try (App app = App.open(TestApp.config(asReplica), Clock.systemUTC())) {
      long shipper = app.apiKeys().create("Acme").shipper().id();
      app.shipments().register(shipper, Fixtures.priorityWithNumber(ONLY_IN_REPLICA));
      Sql.update(
          app.database(),
          "INSERT INTO transparency_statements (text, position) VALUES (?, 99)",
          "Seen only in the replica.");
    }
    Map<String, String> withReplica = new HashMap<>(primary);
    withReplica.put("database.replicaUrl", replicaUrl);
    node = TestApp.start(TestApp.config(withReplica), Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  private int lookup(String number) {
    return node.get("/api/v1/tracking/" + number).status();
  }

  @Test
  void lookupsReadTheReplica() {
    assertThat(Sql.longValue(node.app().database(), "SELECT COUNT(*) FROM shipments")).isZero();

    assertThat(lookup(ONLY_IN_REPLICA)).isEqualTo(200);
  }

  @Test
  void aNodeReadsItsOwnWriteFromThePrimary() {
    long shipper = node.app().apiKeys().create("Acme").shipper().id();
    node.app().shipments().register(shipper, Fixtures.priorityWithNumber(WRITTEN_HERE));

    assertThat(lookup(WRITTEN_HERE)).isEqualTo(200);
  }

  @Test
  void aWriteThroughAnotherNodeIsReadFromTheReplica() {
    try (App other = App.open(TestApp.config(primary), Clock.systemUTC())) {
      long shipper = other.apiKeys().create("Acme").shipper().id();
      other.shipments().register(shipper, Fixtures.priorityWithNumber(WRITTEN_ELSEWHERE));
    }

    // in the primary, but this node did not write it: it asks the replica, which lacks it
    assertThat(lookup(WRITTEN_ELSEWHERE)).isEqualTo(404);
  }

  @Test
  void theTransparencyReportReadsTheReplica() {
    assertThat(node.get("/api/v1/transparency").body()).contains("Seen only in the replica.");
  }

  @Test
  void theReplicaPoolRefusesWrites() {
    Database replica =
        Database.reads(
            new DatabaseConfig(primary.get("database.url"), "postgres", "", 2, replicaUrl),
            null,
            null);
    try (replica) {
      assertThatThrownBy(
              () -> Sql.update(replica, "INSERT INTO shippers (name, created_at) VALUES ('x', 0)"))
          .hasStackTraceContaining("read-only");
    }
  }

  @Test
  void withoutAReplicaReadsUseThePrimary() {
    WaypostConfig config = TestApp.config(primary);
    try (Database primaryPool = Database.open(config.database())) {
      assertThat(Database.reads(config.database(), primaryPool, null)).isSameAs(primaryPool);
    }
  }
}
