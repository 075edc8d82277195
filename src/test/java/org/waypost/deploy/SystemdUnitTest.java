package org.waypost.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/waypost.service as systemd reads it: {@code systemd-analyze verify} accepts it, its
 * hardening is what deploy/README.md promises, and {@code systemd-analyze security} rates its
 * exposure "OK" (at most 2.0 of 10).
 */
class SystemdUnitTest {
  private static final Path UNIT = Path.of("deploy", "waypost.service");

  @TempDir Path dir;

  /**
   * The unit with its Java runtime, /opt/waypost/java, replaced by the one running this test:
   * verify checks that the program exists.
   */
  private Path unitWithThisJava() throws IOException {
    Path copy = dir.resolve("waypost.service");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.writeString(copy, Files.readString(UNIT).replace("/opt/waypost/java/bin/java", java));
    return copy;
  }

  @Test
  void systemdAcceptsTheUnit() throws Exception {
    Result verify = run("systemd-analyze", "verify", unitWithThisJava().toString());

    assertThat(verify.exitCode()).as(verify.output()).isZero();
    assertThat(verify.output()).isBlank();
  }

  @Test
  void theServiceRunsAsADynamicUserThatCanWriteOnlyItsStateFolder() throws IOException {
    List<String> lines = Files.readAllLines(UNIT);

    assertThat(lines)
        .contains(
            "DynamicUser=yes",
            "StateDirectory=waypost",
            "ProtectSystem=strict",
            "ProtectHome=yes",
            "PrivateTmp=yes",
            "NoNewPrivileges=yes",
            "CapabilityBoundingSet=",
            "UMask=0077",
            "LoadCredential=master.key:/etc/waypost/master.key");
    assertThat(String.join("\n", lines))
        .contains("-jar /opt/waypost/waypost.jar serve --config /etc/waypost/waypost.yaml");
  }

  @Test
  void systemdRatesTheExposureOk() throws Exception {
    Result security =
        run(
            "systemd-analyze",
            "security",
            "--offline=true",
            "--threshold=20",
            unitWithThisJava().toString());

    assertThat(security.exitCode()).as(security.output()).isZero();
    assertThat(security.output()).containsPattern("Overall exposure level for .*: [01]\\.[0-9] OK");
  }

  private record Result(int exitCode, String output) {}

  private static Result run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    return new Result(process.waitFor(), output);
  }
}
