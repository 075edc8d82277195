package org.waypost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.config.PrivacyConfig;
import org.waypost.keys.MasterKey;
import org.waypost.testing.CapturedLogs;
import org.waypost.testing.TestApp;
import picocli.CommandLine;

/** {@code waypost keys init}, as an operator setting up a server runs it. */
class KeysCommandTest {
  @TempDir Path dir;

  private record Run(int exitCode, String out, String err) {}

  private static Run keys(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new KeysCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void initCreatesAPrivateMasterKeyFileOutsideTheKeyFolderAndSaysSo() throws Exception {
    Path file = dir.resolve("master.key");

    Run run = keys("init", "--data", dir.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("Created the master key file")
        .contains(file.toString())
        .contains("Back it up")
        .contains("Keep the key folder " + dir.resolve("keys") + " out of backups");
    assertThat(dir.resolve("keys")).as("nothing of it in the key folder").doesNotExist();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    assertThat(run.out()).doesNotContain(Files.readString(file));
  }

  @Test
  void secondInitLeavesTheKeyUntouched() throws Exception {
    keys("init", "--data", dir.toString());
    Path file = dir.resolve("master.key");
    byte[] before = Files.readAllBytes(file);
    FileTime modified = Files.getLastModifiedTime(file);

    Run again = keys("init", "--data", dir.toString());

    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).contains("already exists").contains(file.toString());
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(modified);
  }

  @Test
  void aKeyGivenInTheConfigurationNeedsNoFile() throws Exception {
    keys("init", "--data", dir.resolve("elsewhere").toString());
    String key =
        Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("elsewhere/master.key")));
    Path keyFile = dir.resolve("master.key");
    Path config = dir.resolve("waypost.yaml");
    Files.writeString(
        config,
        "privacy:\n  keyDir: \"%s\"\n  masterKeyFile: \"%s\"\n  masterKey: \"%s\"\n"
            .formatted(dir.resolve("keys"), keyFile, key));

    Run run = keys("init", "--config", config.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("WAYPOST_PRIVACY_MASTERKEY").contains("no key file is needed");
    assertThat(keyFile).doesNotExist();
  }

  @Test
  void aKeyAtTheOldDefaultPlaceIsKeptUsedAndToldToMove() throws Exception {
    // an install from before the master key moved out of the key folder
    Path old = dir.resolve("keys/master.key");
    MasterKey.createIfMissing(old);
    byte[] before = Files.readAllBytes(old);

    Run run = keys("init", "--data", dir.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(dir.resolve("master.key"))
        .as("no second key, which would open nothing")
        .doesNotExist();
    assertThat(Files.readAllBytes(old)).isEqualTo(before);
    assertThat(run.out())
        .contains("A master key file already exists at " + old)
        .contains("move it to " + dir.resolve("master.key"));

    PrivacyConfig privacy = TestApp.config(Storage.dataOverrides(dir)).privacy();
    try (CapturedLogs logs = new CapturedLogs()) {
      assertThat(MasterKey.load(privacy)).isNotNull();
      assertThat(logs.lines())
          .anyMatch(
              line ->
                  line.startsWith("the master key was read from " + old)
                      && line.contains(
                          "move it to privacy.masterKeyFile (" + dir.resolve("master.key")));
    }

    Files.move(old, dir.resolve("master.key"));
    try (CapturedLogs logs = new CapturedLogs()) {
      assertThat(MasterKey.load(privacy)).isNotNull();
      assertThat(logs.lines()).noneMatch(line -> line.contains("master key"));
    }
  }
}
