package org.waypost.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.App;
import org.waypost.config.WaypostConfig;
import org.waypost.keys.KeyStore;
import org.waypost.keys.KeyStoreException;
import org.waypost.keys.MasterKey;
import org.waypost.testing.MutableClock;
import org.waypost.testing.Sql;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/**
 * Nodes that share a database must share the key folder: the database records each key file's
 * fingerprint (never the key), a node on another folder refuses to start naming it, and a day
 * destroyed by one node is shredded by the others from the record.
 */
class KeyFolderLedgerTest {
  private static final LocalDate DAY = LocalDate.parse("2026-12-01");
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aNodeOnAnotherKeyFolderRefusesToStartNamingIt(StoreKind kind) {
    Map<String, String> store = kind.freshStore(dir);
    try (App first = open(store, dir.resolve("keys"))) {
      first.keys().day(DAY);
      assertThat(
              Sql.longValue(
                  first.database(),
                  "SELECT COUNT(*) FROM day_key_files WHERE kind = 'day' AND day = '" + DAY + "'"))
          .isEqualTo(1);
    }
    Path elsewhere = dir.resolve("other-keys");
    try (App second = open(store, elsewhere)) {
      assertThatThrownBy(second::keys)
          .isInstanceOf(KeyStoreException.class)
          .hasMessageContaining(elsewhere.toAbsolutePath().toString())
          .hasMessageContaining("lacks the day key of " + DAY)
          .hasMessageContaining("privacy.keyDir");
    }
    try (App again = open(store, dir.resolve("keys"))) {
      assertThat(again.keys().existing(DAY)).isPresent(); // the shared folder is fine
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aFolderHoldingAnotherFileForTheDayIsRefused(StoreKind kind) {
    Map<String, String> store = kind.freshStore(dir);
    Path elsewhere = dir.resolve("other-keys");
    try (App first = open(store, dir.resolve("keys"))) {
      first.keys().day(DAY);
    }
    // another node's folder that made its own key of that day while nobody checked
    new KeyStore(elsewhere, MasterKey.load(TestApp.config(store).privacy())).day(DAY);
    try (App second = open(store, elsewhere)) {
      assertThatThrownBy(second::keys)
          .isInstanceOf(KeyStoreException.class)
          .hasMessageContaining(elsewhere.toAbsolutePath().toString())
          .hasMessageContaining("holds another key file than the day key of " + DAY);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aDayDestroyedOnOneNodeIsShreddedOnAnotherFromTheRecord(StoreKind kind) throws IOException {
    Map<String, String> store = kind.freshStore(dir);
    Path copy = dir.resolve("copied-keys");
    try (App first = open(store, dir.resolve("keys"))) {
      first.keys().day(DAY);
      first.keys().visitorTagger(DAY);
      copyFolder(dir.resolve("keys"), copy); // a folder kept in step by copying, say
      try (App second = open(store, copy)) {
        assertThat(second.keys().existing(DAY)).isPresent();

        first.keys().destroyBefore(DAY.plusDays(1));

        assertThat(second.keys().existing(DAY)).as("before the timer").isPresent();
        assertThat(new KeyFolderLedger(second.database(), clock).applyDestructions(second.keys()))
            .isEqualTo(1);
        assertThat(second.keys().existing(DAY)).isEmpty();
        assertThat(second.keys().isDestroyed(DAY)).isTrue();
        assertThat(copy.resolve("day-" + DAY + ".json")).doesNotExist();
        assertThat(copy.resolve("visitors-" + DAY + ".json")).exists(); // not destroyed yet
      }
    }
  }

  private App open(Map<String, String> store, Path keyDir) {
    Map<String, String> overrides = new HashMap<>(store);
    overrides.put("privacy.keyDir", keyDir.toString());
    WaypostConfig config = TestApp.config(overrides);
    MasterKey.createIfMissing(Path.of(config.privacy().masterKeyFile()));
    return App.open(config, clock);
  }

  private static void copyFolder(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }
}
