package org.waypost.keys;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.waypost.keys.Keys.NOV_29;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master key: created once and never replaced, loaded from a file or from the environment. */
class MasterKeyTest {
  private static final byte[] IP = "198.51.100.23".getBytes(UTF_8);
  private static final byte[] ROW = "row-9".getBytes(UTF_8);

  @TempDir Path dir;

  @Test
  void createIfMissingWritesAPrivateFileInAPrivateFolder() throws Exception {
    Path file = dir.resolve("data/keys/master.key");

    assertThat(MasterKey.createIfMissing(file)).isTrue();

    assertThat(mode(file)).isEqualTo("rw-------");
    assertThat(mode(dir.resolve("data/keys"))).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("data"))).isEqualTo("rwx------");
    assertThat(MasterKey.load(Keys.fromFile(file))).isNotNull();
    try (var files = Files.list(file.getParent())) {
      assertThat(files).as("no temp file left behind").containsExactly(file);
    }
  }

  @Test
  void createIfMissingNeverOverwrites() throws Exception {
    Path file = dir.resolve("master.key");
    MasterKey.createIfMissing(file);
    byte[] before = Files.readAllBytes(file);

    assertThat(MasterKey.createIfMissing(file)).isFalse();

    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void concurrentCreatorsLeaveExactlyOneKey() throws Exception {
    Path file = dir.resolve("keys/master.key");
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> created = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (int i = 0; i < 8; i++) {
        created.add(
            pool.submit(
                () -> {
                  start.await();
                  return MasterKey.createIfMissing(file);
                }));
      }
      start.countDown();
    }
    long winners = created.stream().filter(MasterKeyTest::get).count();

    assertThat(winners).isEqualTo(1);
    assertThat(MasterKey.load(Keys.fromFile(file))).isNotNull();
  }

  @Test
  void theSameKeyLoadsFromTheFileFromJsonAndFromBase64() throws Exception {
    Path file = dir.resolve("master.key");
    MasterKey.createIfMissing(file);
    String json = Files.readString(file);
    String base64 = Base64.getEncoder().encodeToString(json.getBytes(UTF_8));
    Path keyDir = dir.resolve("keys");
    byte[] sealed =
        new KeyStore(keyDir, MasterKey.load(Keys.fromFile(file))).day(NOV_29).seal(IP, ROW);

    for (String value : List.of(json, base64, "\n" + base64 + "\n")) {
      MasterKey key = MasterKey.load(Keys.fromValue(dir, value));
      assertThat(new KeyStore(keyDir, key).day(NOV_29).open(sealed, ROW)).isEqualTo(IP);
    }
  }

  @Test
  void aMissingKeyNamesTheFileAndTheEnvironmentVariable() {
    Path file = dir.resolve("keys/master.key");

    assertThatThrownBy(() -> MasterKey.load(Keys.fromFile(file)))
        .isInstanceOf(KeyStoreException.class)
        .hasMessageContaining("privacy.masterKeyFile")
        .hasMessageContaining(file.toString())
        .hasMessageContaining("WAYPOST_PRIVACY_MASTERKEY")
        .hasMessageContaining("keys init");
  }

  @Test
  void anUnreadableKeyFileNamesTheFileAndTheEnvironmentVariable() throws Exception {
    Path file = Files.createDirectory(dir.resolve("master.key")); // unreadable even for root

    assertThatThrownBy(() -> MasterKey.load(Keys.fromFile(file)))
        .isInstanceOf(KeyStoreException.class)
        .hasMessageContaining("cannot read")
        .hasMessageContaining(file.toString())
        .hasMessageContaining("WAYPOST_PRIVACY_MASTERKEY");
  }

  @Test
  void anInvalidKeyIsRefusedWithoutEchoingIt() throws Exception {
    String garbage = "c2VjcmV0LWJ1dC1ub3QtYS1rZXlzZXQ=";
    assertThatThrownBy(() -> MasterKey.load(Keys.fromValue(dir, garbage)))
        .isInstanceOf(KeyStoreException.class)
        .hasMessageContaining("WAYPOST_PRIVACY_MASTERKEY")
        .hasMessageNotContaining(garbage)
        .hasNoCause();

    Path file = dir.resolve("master.key");
    Files.writeString(file, "{\"primaryKeyId\": 1, \"key\": []}");
    assertThatThrownBy(() -> MasterKey.load(Keys.fromFile(file)))
        .isInstanceOf(KeyStoreException.class)
        .hasMessageContaining(file.toString())
        .hasNoCause();
  }

  @Test
  void toStringShowsNoKey() {
    assertThat(Keys.master(dir).toString()).isEqualTo("MasterKey[***]");
  }

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  private static boolean get(Future<Boolean> future) {
    try {
      return future.get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
