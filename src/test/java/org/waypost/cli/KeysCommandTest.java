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
  void initCreatesAPrivateMasterKeyFileAndSaysSo() throws Exception {
    Path file = dir.resolve("keys/master.key");

    Run run = keys("init", "--data", dir.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("Created the master key file").contains(file.toString());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    assertThat(run.out()).doesNotContain(Files.readString(file));
  }

  @Test
  void secondInitLeavesTheKeyUntouched() throws Exception {
    keys("init", "--data", dir.toString());
    Path file = dir.resolve("keys/master.key");
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
        Base64.getEncoder()
            .encodeToString(Files.readAllBytes(dir.resolve("elsewhere/keys/master.key")));
    Path keyFile = dir.resolve("keys/master.key");
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
}
