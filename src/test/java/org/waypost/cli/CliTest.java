package org.waypost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.App;
import org.waypost.testing.Fixtures;
import org.waypost.testing.TestApp;
import org.waypost.tracking.TrackingNumber;
import org.waypost.tracking.TrackingStatus;

/** The command line: keys, imports and configuration errors, as an operator meets them. */
class CliTest {
  @TempDir Path dir;

  private App openData() {
    return App.open(TestApp.config(Storage.dataOverrides(dir)), Clock.systemUTC());
  }

  @Test
  void apikeyCreatePrintsAWorkingKeyOnTheLastLine() {
    Cli cli = Cli.run("apikey", "create", "--shipper", "Acme Parcels", "--data", dir.toString());

    assertThat(cli.exitCode()).isZero();
    assertThat(cli.lastLine()).startsWith("wpk_");
    try (App app = openData()) {
      assertThat(app.apiKeys().authenticate(cli.lastLine()))
          .hasValueSatisfying(s -> assertThat(s.name()).isEqualTo("Acme Parcels"));
    }
    assertThat(Files.exists(dir.resolve("waypost.db"))).isTrue();
  }

  @Test
  void creatingAndRevokingKeysAndOperatorsIsOnTheAuditRecord() {
    String key =
        Cli.run("apikey", "create", "--shipper", "Acme", "--data", dir.toString()).lastLine();
    String keyId = key.substring(4, 20);
    assertThat(Cli.run("apikey", "revoke", "--key-id", keyId, "--data", dir.toString()).exitCode())
        .isZero();
    assertThat(
            Cli.run("user", "add", "--name", "lena", "--role", "legal", "--data", dir.toString())
                .exitCode())
        .isZero();
    assertThat(Cli.run("user", "token", "--name", "lena", "--data", dir.toString()).exitCode())
        .isZero();
    try (App app = openData()) {
      assertThat(app.apiKeys().authenticate(key)).isEmpty();
      assertThat(app.audit().list(0, 100))
          .extracting(e -> e.action())
          .containsExactly(
              "apikey.create", "apikey.revoke", "operator.create", "operator.token.create");
    }
    Cli verify = Cli.run("audit", "verify", "--data", dir.toString());
    assertThat(verify.exitCode()).isZero();
    assertThat(verify.out()).contains("intact: 4 entries");
    assertThat(Cli.run("apikey", "revoke", "--key-id", keyId, "--data", dir.toString()).exitCode())
        .isEqualTo(1);
  }

  @Test
  void apikeyCreateRefusesAnEmptyShipperName() {
    Cli cli = Cli.run("apikey", "create", "--shipper", " ", "--data", dir.toString());
    assertThat(cli.exitCode()).isEqualTo(1);
    assertThat(cli.err()).contains("shipper name").doesNotContain("Exception");
  }

  @Test
  void importEventsStoresGoodLinesAndSummarisesTheRest() throws Exception {
    String number;
    try (App app = openData()) {
      long shipper = app.apiKeys().create("Acme").shipper().id();
      number = app.shipments().register(shipper, Fixtures.priorityToFairfax()).trackingNumber();
    }
    Path file = dir.resolve("scans.ndjson");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 2500; i++) {
      String time = java.time.Instant.parse("2026-11-20T00:00:00Z").plusSeconds(60L * i).toString();
      lines.append(Fixtures.eventJson("imp-" + i, number, "PROCESSED", time)).append('\n');
    }
    lines
        .append(Fixtures.eventJson("imp-0", number, "PROCESSED", "2026-11-20T00:00:00Z"))
        .append('\n');
    lines.append("{broken\n");
    lines
        .append(Fixtures.eventJson("imp-x", number, "DELIVERED", "2026-11-25T15:00:00-05:00"))
        .append('\n');
    Files.writeString(file, lines);

    Cli cli = Cli.run("import", "events", file.toString(), "--data", dir.toString());

    assertThat(cli.exitCode()).isEqualTo(3);
    assertThat(cli.out())
        .contains("2,501 accepted")
        .contains("1 duplicates")
        .contains("1 rejected")
        .contains("line 2502: this line is not valid JSON")
        .contains("events/s");
    try (App app = openData()) {
      var result = app.tracker().lookup(TrackingNumber.parse(number)).orElseThrow().result();
      assertThat(result.events()).hasSize(2501);
      assertThat(result.status()).isEqualTo(TrackingStatus.DELIVERED);
    }
  }

  @Test
  void importEventsReadsCsvWithAHeader() throws Exception {
    String number;
    try (App app = openData()) {
      long shipper = app.apiKeys().create("Acme").shipper().id();
      number = app.shipments().register(shipper, Fixtures.priorityToFairfax()).trackingNumber();
    }
    Path file = dir.resolve("scans.csv");
    Files.writeString(
        file,
        "eventId,trackingNumber,type,time,city,region,postalCode,country,description\n"
            + "c1,"
            + number
            + ",ACCEPTED,2026-11-27T09:00:00-08:00,LOS ANGELES,CA,90052,US,\n"
            + "c2,"
            + number
            + ",ARRIVED,2026-11-28T05:00:00-05:00,MERRIFIELD,VA,22081,US,\"Arrived at USPS Regional Facility, Merrifield\"\n");

    Cli cli = Cli.run("import", "events", file.toString(), "--data", dir.toString());

    assertThat(cli.exitCode()).isZero();
    assertThat(cli.out()).contains("2 accepted");
    try (App app = openData()) {
      var result = app.tracker().lookup(TrackingNumber.parse(number)).orElseThrow().result();
      assertThat(result.events().get(0).description())
          .isEqualTo("Arrived at USPS Regional Facility, Merrifield");
      assertThat(result.events().get(1).location().city()).isEqualTo("LOS ANGELES");
    }
  }

  private String registerPiece() {
    try (App app = openData()) {
      long shipper = app.apiKeys().create("Acme").shipper().id();
      return app.shipments().register(shipper, Fixtures.priorityToFairfax()).trackingNumber();
    }
  }

  private static byte[] join(Object... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (Object part : parts) {
      out.writeBytes(
          part instanceof byte[] raw
              ? raw
              : part.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  @Test
  void importEventsRejectsBadCsvRowsAloneByTheirLine() throws Exception {
    String number = registerPiece();
    String time = "2026-11-27T09:00:00-08:00";
    Path file = dir.resolve("scans.csv");
    Files.write(
        file,
        join(
            new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
            "eventId,trackingNumber,type,time,city,region,postalCode,country,description\r\n",
            "c1," + number + ",ACCEPTED," + time + ",LOS ANGELES,CA,90052,US,\r\n",
            "c2," + number + ",ARRIVED," + time + ",\"MERRIFIELD,VA,22081,US,\r\n",
            "\r\n",
            "c\u00003," + number + ",ARRIVED," + time + ",,,,,\r\n",
            "c4," + number + ",ARRIVED," + time + ",M",
            new byte[] {(byte) 0xC3, 0x28},
            "RRIFIELD,VA,22081,US,\r\n",
            "c5," + number + ",ARRIVED,-999999999-01-01T00:00:00Z,,,,,\r\n",
            "c6," + number + ",DEPARTED,2026-11-27T10:00:00-08:00,,,,,\r\n"));

    Cli cli = Cli.run("import", "events", file.toString(), "--data", dir.toString());

    assertThat(cli.exitCode()).isEqualTo(3);
    assertThat(cli.out())
        .contains("2 accepted, 0 duplicates, 4 rejected")
        .contains("line 3: field 5 opens a quote that is not closed on its line")
        .contains("line 5: the line holds a NUL character")
        .contains("line 6: the line is not valid UTF-8")
        .contains("line 7: time must be an ISO-8601 date-time with an offset, in a year from 1970")
        .doesNotContain(number);
    try (App app = openData()) {
      var result = app.tracker().lookup(TrackingNumber.parse(number)).orElseThrow().result();
      assertThat(result.events()).hasSize(2);
    }
  }

  @Test
  void importEventsNamesNdjsonLinesAndPrintsNoNumber() throws Exception {
    String number = registerPiece();
    String wrongCheckDigit = number.substring(0, 21) + (number.charAt(21) == '0' ? '1' : '0');
    Path file = dir.resolve("scans.ndjson");
    Files.writeString(
        file,
        "\n"
            + Fixtures.eventJson("n1", number, "ACCEPTED", "2026-11-27T09:00:00-08:00")
            + "\n{\""
            + number
            + "\": 1}\n"
            + "{\"eventId\":"
            + "[".repeat(5000)
            + "]".repeat(5000)
            + "}\n"
            + Fixtures.eventJson("n4", wrongCheckDigit, "ARRIVED", "2026-11-27T10:00:00-08:00")
            + "\n");

    Cli cli = Cli.run("import", "events", file.toString(), "--data", dir.toString());

    assertThat(cli.out())
        .contains("1 accepted, 0 duplicates, 3 rejected")
        .contains("line 3: unknown field (its name is not repeated")
        .contains("line 4: the event is nested more than 32 levels deep")
        .contains("line 5: ")
        .doesNotContain(number)
        .doesNotContain(wrongCheckDigit);
  }

  @Test
  void importEventsStopsAtACsvHeaderItCannotRead() throws Exception {
    Path file = dir.resolve("scans.csv");
    Files.writeString(file, "id,number,when\nc1,x,y\n");

    Cli cli = Cli.run("import", "events", file.toString(), "--data", dir.toString());

    assertThat(cli.exitCode()).isEqualTo(1);
    assertThat(cli.err())
        .contains("line 1 is not a CSV header: it must name the columns eventId,trackingNumber,");
  }

  @Test
  void importRefusesAFileItCannotRead() {
    Cli missing =
        Cli.run(
            "import", "events", dir.resolve("nope.ndjson").toString(), "--data", dir.toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("no such file");
    Cli unknown =
        Cli.run("import", "events", dir.resolve("x.bin").toString(), "--data", dir.toString());
    assertThat(unknown.err()).contains("--format");
  }

  @Test
  void aBadConfigurationStopsTheStartAndNamesTheKey() throws Exception {
    Path config = dir.resolve("waypost.yaml");
    Files.writeString(config, "server:\n  prot: 8080\n");
    Cli unknownKey = Cli.run("serve", "--config", config.toString());
    assertThat(unknownKey.exitCode()).isEqualTo(2);
    assertThat(unknownKey.err()).contains("server.prot").doesNotContain("Exception");

    Files.writeString(config, "privacy:\n  securityLogRetentionDays: 45\n");
    Cli badValue = Cli.run("serve", "--config", config.toString());
    assertThat(badValue.exitCode()).isEqualTo(2);
    assertThat(badValue.err()).contains("privacy.securityLogRetentionDays");
  }

  @Test
  void dataAndConfigTogetherAreRefused() {
    Cli cli =
        Cli.run(
            "apikey", "create", "--shipper", "A", "--data", dir.toString(), "--config", "x.yaml");
    assertThat(cli.exitCode()).isEqualTo(1);
    assertThat(cli.err()).contains("either --data or --config");
  }
}
