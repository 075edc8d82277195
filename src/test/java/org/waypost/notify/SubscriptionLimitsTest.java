package org.waypost.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waypost.notify.MailSubscriptionsTest.subscribe;
import static org.waypost.notify.WebhooksTest.register;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.testing.MutableClock;
import org.waypost.testing.Smtp;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.testing.TestServer.Response;

/**
 * A subscription request is charged as one lookup: it spends the same per-client allowance, so a
 * client over its lookup limit cannot go on asking about numbers through subscriptions, nor the
 * other way round.
 */
class SubscriptionLimitsTest {
  private static final int PER_MINUTE = 35; // the smallest limit a configuration may set

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));

  @Test
  void subscriptionsAndLookupsSpendOneAllowance() {
    try (TestApp server =
        TestApp.start(
            StoreKind.SQLITE,
            dir,
            clock,
            Smtp.settings(
                Smtp.freePort(), // nothing listens: no mail is needed to see the charge
                "abuse.clientNumbersPerMinute",
                String.valueOf(PER_MINUTE),
                "abuse.prefixNumbersPerMinute",
                String.valueOf(PER_MINUTE)))) {
      String number = register(server, server.shipperKey("Acme"));
      for (int i = 0; i < PER_MINUTE; i++) {
        assertThat(server.get("/api/v1/tracking/" + number).status()).isEqualTo(200);
      }
      Response refused = subscribe(server, number, "ann@example.org", "ALL");
      assertThat(refused.status()).as("over the lookup limit").isEqualTo(429);
      assertThat(refused.json().get("type").asText()).isEqualTo("/problems/rate-limited");

      clock.advance(Duration.ofMinutes(2)); // the allowance is back
      for (int i = 0; i < PER_MINUTE; i++) {
        String address = "reader" + i + "@example.org";
        assertThat(subscribe(server, number, address, "KEY").status()).isEqualTo(202);
      }
      assertThat(server.get("/api/v1/tracking/" + number).status())
          .as("subscriptions spent it")
          .isEqualTo(429);
    }
  }
}
