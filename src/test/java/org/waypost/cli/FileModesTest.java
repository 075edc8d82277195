package org.waypost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.testing.CapturedLogs;
import org.waypost.testing.TestApp;
import org.waypost.tracking.TrackingNumber;

/**
 * What Waypost writes is for its own user only: with {@code --data DIR}, the SQLite file and its
 * {@code -wal} and {@code -shm}, the master key, the day keys and the audit checkpoints are 0600
 * and the folders Waypost makes are 0700, whatever the umask (the build's is 022, under which
 * SQLite alone makes its files 0644). A folder the operator made is left as it is; the files in it
 * are still private.
 */
class FileModesTest {
  @TempDir Path dir;

  /** {@code keys init --data DIR}, then a server on the same {@code --data DIR}, with a visit. */
  private static Map<String, String> initAndServe(Path data) throws IOException {
    Cli init = Cli.run("keys", "init", "--data", data.toString());
    assertThat(init.exitCode()).as(init.err()).isZero();
    Map<String, String> overrides = new HashMap<>(Storage.dataOverrides(data));
    overrides.put("server.port", "0");
    try (TestApp server = TestApp.start(TestApp.config(overrides), Clock.systemUTC())) {
      String unknown = TrackingNumber.issueImpb("055", "654321", 900_000).value();
      assertThat(server.get("/api/v1/tracking/" + unknown).status()).isEqualTo(404);
      server.app().capture().flush(); // the visit sealed under today's key
      server.app().audit().checkpoint();
      // stat while the server runs: SQLite removes -wal and -shm when the last connection closes
      return modes(data);
    }
  }

  /** The mode of everything under {@code data} (itself as ""), by path relative to it. */
  private static Map<String, String> modes(Path data) throws IOException {
    Map<String, String> modes = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(data)) {
      for (Path p : walk.toList()) {
        modes.put(
            data.relativize(p).toString(),
            PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
      }
    }
    return modes;
  }

  /** Every file in {@code modes} is 0600, every folder 0700. */
  private static void assertPrivate(Path data, Map<String, String> modes) {
    modes.forEach(
        (path, mode) ->
            assertThat(mode)
                .as(path)
                .isEqualTo(Files.isDirectory(data.resolve(path)) ? "rwx------" : "rw-------"));
  }

  @Test
  void everythingUnderADataFolderWaypostMadeIsPrivate() throws Exception {
    Path data = dir.resolve("made-by-waypost");

    Map<String, String> modes = initAndServe(data);

    assertThat(modes)
        .containsKeys(
            "",
            "waypost.db",
            "waypost.db-wal",
            "waypost.db-shm",
            "master.key",
            "keys",
            "checkpoints")
        .containsEntry("", "rwx------")
        .containsEntry("waypost.db", "rw-------")
        .containsEntry("waypost.db-wal", "rw-------")
        .containsEntry("waypost.db-shm", "rw-------");
    assertThat(modes.keySet()).anyMatch(p -> p.startsWith("keys/")); // today's day key
    assertThat(modes.keySet()).anyMatch(p -> p.startsWith("checkpoints/"));
    assertPrivate(data, modes);
  }

  @Test
  void inAFolderTheOperatorMadeTheFolderStaysAsItIsAndTheFilesArePrivate() throws Exception {
    Path data = Files.createDirectory(dir.resolve("made-by-the-operator"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));

    Map<String, String> modes = initAndServe(data);

    assertThat(modes).containsEntry("", "rwxr-xr-x");
    modes.remove("");
    assertThat(modes).containsKeys("waypost.db", "waypost.db-wal", "waypost.db-shm", "master.key");
    assertPrivate(data, modes);
  }

  @Test
  void aDatabaseFileOthersMayReadIsLeftAsItIsWithAWarning() throws Exception {
    Path data = Files.createDirectory(dir.resolve("older-install"));
    Files.createFile(
        data.resolve("waypost.db"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
    Files.setPosixFilePermissions(
        data.resolve("waypost.db"), PosixFilePermissions.fromString("rw-r-----"));

    try (CapturedLogs logs = new CapturedLogs()) {
      Map<String, String> modes = initAndServe(data);

      assertThat(modes).containsEntry("waypost.db", "rw-r-----");
      assertThat(logs.lines())
          .anyMatch(
              line ->
                  line.contains(data.resolve("waypost.db") + " may be read by other users")
                      && line.contains("chmod 600"));
    }
  }
}
