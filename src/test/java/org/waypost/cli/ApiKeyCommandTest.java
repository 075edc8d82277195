package org.waypost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.App;
import org.waypost.testing.TestApp;

/** {@code apikey create}: one account per shipper name, and network keys on the record. */
class ApiKeyCommandTest {
  @TempDir Path dir;

  private App openData() {
    return App.open(TestApp.config(Storage.dataOverrides(dir)), Clock.systemUTC());
  }

  private Cli create(String... more) {
    String[] args = new String[more.length + 2];
    args[0] = "apikey";
    args[1] = "create";
    System.arraycopy(more, 0, args, 2, more.length);
    return Cli.run(args);
  }

  @Test
  void aSecondKeyForTheSameNameJoinsItsAccount() {
    String first = create("--shipper", "Acme Parcels", "--data", dir.toString()).lastLine();
    String second = create("--shipper", " Acme Parcels ", "--data", dir.toString()).lastLine();
    String other = create("--shipper", "Globex", "--data", dir.toString()).lastLine();
    try (App app = openData()) {
      var a = app.apiKeys().authenticate(first).orElseThrow();
      var b = app.apiKeys().authenticate(second).orElseThrow();
      var c = app.apiKeys().authenticate(other).orElseThrow();
      assertThat(b.id()).isEqualTo(a.id());
      assertThat(b.keyId()).isNotEqualTo(a.keyId());
      assertThat(c.id()).isNotEqualTo(a.id());
      assertThat(a.network()).isFalse();
    }
  }

  @Test
  void aNetworkKeyIsCreatedOnlyWhenAskedForAndItsCreationIsAuditedAsSuch() {
    Cli cli = create("--shipper", "Example Post network", "--network", "--data", dir.toString());

    assertThat(cli.exitCode()).isZero();
    assertThat(cli.out()).contains("Created network API key");
    try (App app = openData()) {
      var key = app.apiKeys().authenticate(cli.lastLine()).orElseThrow();
      assertThat(key.network()).isTrue();
      assertThat(app.audit().list(0, 100))
          .singleElement()
          .satisfies(
              entry -> {
                assertThat(entry.action()).isEqualTo("apikey.create-network");
                assertThat(entry.target()).isEqualTo("shipper:Example Post network");
                assertThat(entry.details()).contains("\"network\":true");
              });
    }
  }
}
