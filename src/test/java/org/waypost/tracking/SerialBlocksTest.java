package org.waypost.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.config.DatabaseConfig;
import org.waypost.db.Database;
import org.waypost.testing.StoreKind;

/** Serials taken from memory by two nodes at once on one PostgreSQL, and after a restart. */
class SerialBlocksTest {
  private static final String SCHEME = "IMPB:654321";

  @TempDir Path dir;

  private DatabaseConfig postgres() {
    return new DatabaseConfig(
        StoreKind.POSTGRESQL.freshStore(dir).get("database.url"), "postgres", "", 4);
  }

  @Test
  void twoNodesTakingSerialsAtOnceNeverTakeTheSameOne() throws Exception {
    DatabaseConfig config = postgres();
    try (Database a = Database.open(config);
        Database b = Database.open(config);
        ExecutorService threads = Executors.newFixedThreadPool(8)) {
      List<SerialBlocks> nodes =
          List.of(
              new SerialBlocks(a, new TrackingStore(a.dialect())),
              new SerialBlocks(b, new TrackingStore(b.dialect())));
      Set<Long> taken = ConcurrentHashMap.newKeySet();
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        SerialBlocks node = nodes.get(t % 2);
        work.add(
            threads.submit(
                () -> {
                  for (int i = 0; i < 250; i++) {
                    assertThat(taken.add(node.next(SCHEME))).isTrue();
                  }
                }));
      }
      for (Future<?> f : work) {
        f.get();
      }
      assertThat(taken).hasSize(2_000);
      // no block lost or handed out twice: exactly the first 20 blocks
      assertThat(taken.stream().mapToLong(Long::longValue).max().getAsLong()).isEqualTo(2_000);
    }
  }

  @Test
  void aRestartSkipsTheRestOfItsBlock() {
    DatabaseConfig config = postgres();
    try (Database database = Database.open(config)) {
      assertThat(new SerialBlocks(database, new TrackingStore(database.dialect())).next(SCHEME))
          .isEqualTo(1);
      assertThat(new SerialBlocks(database, new TrackingStore(database.dialect())).next(SCHEME))
          .isEqualTo(1 + SerialBlocks.BLOCK);
    }
  }
}
