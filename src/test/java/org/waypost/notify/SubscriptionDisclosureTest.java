package org.waypost.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waypost.notify.MailSubscriptionsTest.subscribe;
import static org.waypost.notify.WebhooksTest.register;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.waypost.governance.Role;
import org.waypost.testing.MutableClock;
import org.waypost.testing.Smtp;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/**
 * Legal requests reach email subscriptions only when the operator says so, and /privacy and
 * /api/v1/privacy/me say which, from the running configuration. On: an approved, audited request
 * about a number discloses its confirmed subscribers' addresses (never an unconfirmed one), counted
 * in the transparency report like the security log's records. Off: never an address.
 */
class SubscriptionDisclosureTest {
  private static final String REQUESTS = "/api/v1/admin/legal-requests";
  private static final String ANN = SubscriptionLifetimeTest.ADDRESS;
  private static final String BOB = "bob@example.org";

  @RegisterExtension
  static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));

  private static String token(TestApp server, String name, Role... roles) {
    server.app().operators().add(name, Set.of(roles), "a long enough password");
    return "Bearer " + server.app().operators().issueToken(name);
  }

  private static TestApp.Response post(TestApp server, String token, String path) {
    return server.post(path, "application/json", "", "Authorization", token);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void legalRequestsReachConfirmedSubscriptionsOnlyWhenConfigured(boolean reach) {
    try (TestApp server =
        TestApp.start(
            StoreKind.SQLITE,
            dir,
            clock,
            Smtp.settings(
                smtp.getSmtp().getPort(),
                "notifications.legalRequestsReachSubscriptions",
                String.valueOf(reach)))) {
      String number = register(server, server.shipperKey("Acme"));
      SubscriptionLifetimeTest.confirmed(server, number, smtp::getReceivedMessages);
      assertThat(subscribe(server, number, BOB, "ALL").status()).isEqualTo(202); // never confirmed

      String legal = token(server, "lena", Role.LEGAL);
      String privacy = token(server, "priya", Role.PRIVACY);
      var filed =
          server.post(
              REQUESTS,
              "application/json",
              "{\"authority\": \"District Court\", \"legalProcess\": \"SUBPOENA\","
                  + " \"caseReference\": \"1:26-cr-00001\", \"trackingNumbers\": [\""
                  + number
                  + "\"], \"from\": \"2026-11-29\", \"to\": \"2026-11-29\"}",
              "Authorization",
              legal);
      assertThat(filed.status()).as(filed.body()).isEqualTo(201);
      String request = REQUESTS + "/" + filed.json().get("id").asLong();
      assertThat(post(server, privacy, request + "/approve").status()).isEqualTo(200);
      var executed = post(server, legal, request + "/execute");
      assertThat(executed.status()).as(executed.body()).isEqualTo(200);
      JsonNode disclosure = executed.json();
      JsonNode subscriptions = disclosure.get("subscriptions");
      int records = disclosure.get("records").size();
      assertThat(executed.body()).doesNotContain(BOB);
      if (reach) {
        assertThat(subscriptions).hasSize(1);
        assertThat(subscriptions.get(0).get("email").asText()).isEqualTo(ANN);
        assertThat(subscriptions.get(0).get("trackingNumber").asText()).isEqualTo(number);
        assertThat(disclosure.get("disclosureCsv").asText()).contains(ANN);
      } else {
        assertThat(subscriptions).isEmpty();
        assertThat(executed.body()).doesNotContain(ANN);
      }
      int disclosed = records + subscriptions.size();
      assertThat(disclosure.at("/request/recordsDisclosed").asInt()).isEqualTo(disclosed);
      JsonNode period = server.get("/api/v1/transparency").json().get("periods").get(0);
      assertThat(period.at("/total/recordsDisclosed").asInt())
          .as("counted in the transparency report")
          .isEqualTo(disclosed);

      // the policy says which, from the configuration
      String policy = server.get("/privacy").body();
      assertThat(policy)
          .contains(
              reach
                  ? "A legal request about a tracking number also discloses the confirmed email"
                  : "Email addresses given for delivery updates are beyond the reach of legal");
      assertThat(policy).contains("2 days after the package is delivered or returned");
      assertThat(policy).contains("30 days after its last scan");
      JsonNode me = server.get("/api/v1/privacy/me").json();
      JsonNode tier = null;
      for (JsonNode t : me.get("tiers")) {
        if (t.get("tier").asText().equals("subscriptions")) {
          tier = t;
        }
      }
      assertThat(tier).as("the subscriptions tier").isNotNull();
      assertThat(tier.get("offered").asBoolean()).isTrue();
      assertThat(tier.get("legalRequestsReachIt").asBoolean()).isEqualTo(reach);
      assertThat(tier.get("kept").asText()).contains("2 days after").contains("30 days after");
      assertThat(server.get("/privacy/me?lang=es").body()).contains("Si pide avisos por correo");
    }
  }
}
