package org.waypost.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waypost.notify.WebhooksTest.register;
import static org.waypost.notify.WebhooksTest.scan;
import static org.waypost.testing.WebhookReceiver.await;

import com.icegreen.greenmail.util.GreenMail;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.testing.Mailbox;
import org.waypost.testing.MutableClock;
import org.waypost.testing.Smtp;
import org.waypost.testing.Sql;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/**
 * The SMTP server goes away while a scan is stored: its mail waits in the outbox and is retried 30
 * s later, then 60 s, and sent exactly once when the server is back.
 */
class MailRetryTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void retriedWithBackoffWhileSmtpIsDownThenDeliveredOnce(StoreKind kind) throws Exception {
    int port = Smtp.freePort();
    GreenMail smtp = Smtp.on(port);
    try (TestApp server = TestApp.start(kind, dir, clock, Smtp.settings(port))) {
      String acme = server.shipperKey("Acme");
      String number = register(server, acme);
      SubscriptionLifetimeTest.confirmed(server, number, smtp::getReceivedMessages);
      smtp.stop(); // nothing listens on the port now

      scan(server, acme, "s1", number, "OUT_FOR_DELIVERY");
      await(WAIT, "a first failed attempt", () -> attempts(server) == 1);
      long start = clock.millis();
      assertThat(nextAttempt(server)).isEqualTo(start + 30_000);

      clock.advance(Duration.ofSeconds(29));
      server.app().mailSender().wake();
      Thread.sleep(500);
      assertThat(attempts(server)).as("not before its time").isEqualTo(1);
      clock.advance(Duration.ofSeconds(1));
      server.app().mailSender().wake();
      await(WAIT, "a second failed attempt", () -> attempts(server) == 2);
      assertThat(nextAttempt(server)).as("doubled").isEqualTo(clock.millis() + 60_000);

      GreenMail back = Smtp.on(port);
      try {
        clock.advance(Duration.ofSeconds(60));
        server.app().mailSender().wake();
        await(WAIT, "the mail once SMTP is back", () -> back.getReceivedMessages().length == 1);
        await(WAIT, "the outbox empties", () -> outbox(server) == 0);
        clock.advance(Duration.ofHours(1));
        server.app().mailSender().wake();
        Thread.sleep(1000);
        assertThat(back.getReceivedMessages()).hasSize(1);
        assertThat(Mailbox.plain(back.getReceivedMessages()[0])).contains("Out for delivery");
        assertThat(back.getReceivedMessages()[0].getHeader("List-Unsubscribe-Post"))
            .containsExactly("List-Unsubscribe=One-Click");
      } finally {
        back.stop();
      }
    } finally {
      smtp.stop();
    }
  }

  private static long attempts(TestApp server) {
    return Sql.longValue(
        server.app().database(), "SELECT coalesce(max(attempts), -1) FROM mail_outbox");
  }

  private static long nextAttempt(TestApp server) {
    return Sql.longValue(server.app().database(), "SELECT max(next_attempt_at) FROM mail_outbox");
  }

  private static long outbox(TestApp server) {
    return Sql.longValue(server.app().database(), "SELECT count(*) FROM mail_outbox");
  }
}
