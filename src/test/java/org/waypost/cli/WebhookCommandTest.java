package org.waypost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code webhook create|list|delete}: the API's endpoints, from the command line. */
class WebhookCommandTest {
  @TempDir Path dir;

  private Path config(boolean allowPrivate) throws IOException {
    Path file = dir.resolve("waypost.yaml");
    Files.writeString(
        file,
        "database: { url: \"jdbc:sqlite:"
            + dir.resolve("waypost.db")
            + "\" }\nprivacy: { keyDir: \""
            + dir.resolve("keys")
            + "\", masterKeyFile: \""
            + dir.resolve("master.key")
            + "\" }\nnotifications: { allowPrivateWebhooks: "
            + allowPrivate
            + " }\n");
    return file;
  }

  @Test
  void createListAndDeleteAnEndpoint() throws IOException {
    String conf = config(true).toString();
    assertThat(Cli.run("keys", "init", "--config", conf).exitCode()).isZero();
    assertThat(Cli.run("apikey", "create", "--shipper", "Acme", "--config", conf).exitCode())
        .isZero();

    Cli created =
        Cli.run(
            "webhook",
            "create",
            "--shipper",
            "Acme",
            "--url",
            "http://127.0.0.1:9/in",
            "--events",
            "delivered,OUT_FOR_DELIVERY",
            "--config",
            conf);
    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(created.lastLine()).startsWith("whsec_");

    Cli listed = Cli.run("webhook", "list", "--shipper", "Acme", "--config", conf);
    assertThat(listed.out())
        .contains("http://127.0.0.1:9/in")
        .contains("OUT_FOR_DELIVERY,DELIVERED")
        .doesNotContain("whsec_");
    String id =
        listed
            .out()
            .lines()
            .filter(l -> l.contains("\thttp"))
            .findFirst()
            .orElseThrow()
            .split("\t")[0];

    assertThat(
            Cli.run("webhook", "delete", "--shipper", "Nobody", "--id", id, "--config", conf)
                .exitCode())
        .isNotZero();
    assertThat(
            Cli.run("webhook", "delete", "--shipper", "Acme", "--id", id, "--config", conf)
                .exitCode())
        .isZero();
    assertThat(Cli.run("webhook", "list", "--shipper", "Acme", "--config", conf).out())
        .doesNotContain("127.0.0.1:9");
  }

  @Test
  void aPrivateTargetIsRefusedByDefault() throws IOException {
    String conf = config(false).toString();
    Cli.run("keys", "init", "--config", conf);
    Cli.run("apikey", "create", "--shipper", "Acme", "--config", conf);
    Cli refused =
        Cli.run(
            "webhook",
            "create",
            "--shipper",
            "Acme",
            "--url",
            "https://127.0.0.1/in",
            "--config",
            conf);
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).contains("private, loopback");
  }
}
