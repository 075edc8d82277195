package org.waypost;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.testing.CapturedLogs;
import org.waypost.testing.Fixtures;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.tracking.TrackingNumber;

/**
 * Logs never carry a tracking number or a client address: not on lookups, not on errors, not when
 * the database fails underneath a request.
 */
class LogPrivacyTest {
  private static final String CLIENT_V4 = "203.0.113.7";
  private static final String CLIENT_V6 = "2001:db8::7";

  @TempDir Path dir;

  @Test
  void lookupsAndFailuresLeaveNoNumberOrAddressInTheLogs() {
    String unknown = TrackingNumber.issueImpb("055", "654321", 77).value();
    String known;
    try (CapturedLogs logs = new CapturedLogs();
        TestApp server = TestApp.start(StoreKind.SQLITE, dir)) {
      String key = server.shipperKey("Acme");
      known =
          server
              .postAs(
                  key,
                  "/api/v1/shipments",
                  "application/json",
                  Fixtures.shipmentJson("PRIORITY", "US"))
              .json()
              .get("trackingNumber")
              .asText();
      for (String client : List.of(CLIENT_V4, CLIENT_V6)) {
        server.get("/api/v1/tracking/" + known, "X-Forwarded-For", client);
        server.get("/api/v1/tracking/" + unknown, "X-Forwarded-For", client);
        server.get("/track?numbers=" + unknown, "X-Forwarded-For", client, "Accept", "text/html");
        server.get(
            "/api/v1/tracking/" + unknown.substring(0, 20) + "99", "X-Forwarded-For", client);
      }

      server.app().database().close();
      String another = TrackingNumber.issueImpb("055", "654321", 78).value();
      var failed = server.get("/api/v1/tracking/" + another, "X-Forwarded-For", CLIENT_V4);
      assertThat(failed.status()).isEqualTo(500);
      assertThat(failed.json().get("requestId").asText()).isNotBlank();
      assertThat(failed.body()).doesNotContain("SQLException").doesNotContain("at org.");

      server.app().accessLog().flush();
      List<String> logged = logs.lines();
      assertThat(logged)
          .as("the access log's lines are among those checked")
          .anySatisfy(line -> assertThat(line).contains("route=/api/v1/tracking/{number}"));
      assertThat(logged)
          .anySatisfy(line -> assertThat(line).contains(failed.json().get("requestId").asText()));
      for (String line : logged) {
        assertThat(line)
            .doesNotContain(known)
            .doesNotContain(unknown)
            .doesNotContain(another)
            .doesNotContain(CLIENT_V4)
            .doesNotContain("2001:db8:")
            .doesNotContain("2001:DB8:");
      }
    }
  }
}
