package org.waypost.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.waypost.notify.MailSubscriptionsTest.link;
import static org.waypost.notify.MailSubscriptionsTest.subscribe;
import static org.waypost.notify.WebhooksTest.register;
import static org.waypost.notify.WebhooksTest.scan;
import static org.waypost.testing.WebhookReceiver.await;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.keys.DayKeyDestroyedException;
import org.waypost.testing.MutableClock;
import org.waypost.testing.Smtp;
import org.waypost.testing.Sql;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/**
 * A confirmed subscription ends with its piece, row and key: the address is sealed under the mail
 * key of the day it expires, and a copy of the row taken before (a backup) no longer opens once
 * that day is over. Retention is run by hand at each instant, as its job would.
 */
class SubscriptionLifetimeTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  static final String ADDRESS = "ann@example.org";

  @RegisterExtension
  static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));

  /** A subscription's row as a backup would hold it. */
  private record Copy(String sealed, String unsubscribeHash) {}

  private TestApp start(StoreKind kind) {
    return TestApp.start(kind, dir, clock, Smtp.settings(smtp.getSmtp().getPort()));
  }

  /** Registers a piece, subscribes Ann and confirms; the shipper's key and the number. */
  private String[] confirmed(TestApp server) {
    String acme = server.shipperKey("Acme");
    String number = register(server, acme);
    confirmed(server, number, smtp::getReceivedMessages);
    return new String[] {acme, number};
  }

  /** Subscribes {@value #ADDRESS} to every scan of {@code number}, and follows the link mailed. */
  static void confirmed(TestApp server, String number, Supplier<MimeMessage[]> received) {
    int before = received.get().length;
    assertThat(subscribe(server, number, ADDRESS, "ALL").status()).isEqualTo(202);
    await(WAIT, "the confirmation mail", () -> received.get().length > before);
    String confirm = link(received.get()[before], "/subscriptions/confirm?token=");
    assertThat(server.get(confirm).status()).isEqualTo(200);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void goneTwoDaysAfterDeliveryRowAndKey(StoreKind kind) {
    try (TestApp server = start(kind)) {
      String[] piece = confirmed(server);
      scan(server, piece[0], "s1", piece[1], "ARRIVED");
      assertThat(copy(server).sealed()).as("30 days after the scan").startsWith("2026-12-29:");
      scan(server, piece[0], "s2", piece[1], "DELIVERED"); // received 2026-11-29T12:00Z
      Copy backup = copy(server);
      assertThat(backup.sealed())
          .as("re-sealed under the key of its new day")
          .startsWith("2026-12-01:");
      AddressSeal seal = seal(server);
      assertThat(seal.open(backup.sealed(), backup.unsubscribeHash())).endsWith(ADDRESS);

      at(server, Instant.parse("2026-12-01T11:59:00Z"));
      assertThat(rows(server)).as("kept until two days after delivery").isEqualTo(1);
      at(server, Instant.parse("2026-12-01T12:00:00Z"));
      assertThat(rows(server)).as("deleted two days after delivery").isZero();
      Path key = Path.of(server.app().config().privacy().keyDir(), "mail-2026-12-01.json");
      assertThat(key).as("its key lasts until its day is over").exists();

      at(server, Instant.parse("2026-12-02T00:00:00Z"));
      assertThat(key).doesNotExist();
      assertThat(Files.exists(key.resolveSibling("mail-2026-12-01.destroyed"))).isTrue();
      assertThatThrownBy(() -> seal.open(backup.sealed(), backup.unsubscribeHash()))
          .as("a copy of the row taken before opens no more")
          .isInstanceOf(DayKeyDestroyedException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void goneThirtyDaysAfterTheLastScanWhichAScanInBetweenPostpones(StoreKind kind) throws Exception {
    try (TestApp server = start(kind)) {
      String[] piece = confirmed(server);
      scan(server, piece[0], "s1", piece[1], "ARRIVED"); // 2026-11-29T12:00Z
      Copy first = copy(server);
      assertThat(first.sealed()).startsWith("2026-12-29:");

      at(server, Instant.parse("2026-12-19T12:00:00Z"));
      scan(server, piece[0], "s2", piece[1], "DEPARTED"); // 30 days from now on
      Copy second = copy(server);
      assertThat(second.sealed()).startsWith("2027-01-18:");
      await(WAIT, "two updates", () -> smtp.getReceivedMessages().length >= 3);

      at(server, Instant.parse("2026-12-30T00:00:00Z"));
      assertThat(rows(server)).as("the second scan postponed the end").isEqualTo(1);
      AddressSeal seal = seal(server);
      assertThatThrownBy(() -> seal.open(first.sealed(), first.unsubscribeHash()))
          .as("the key of its first expiry day is destroyed all the same")
          .isInstanceOf(DayKeyDestroyedException.class);
      assertThat(seal.open(second.sealed(), second.unsubscribeHash())).endsWith(ADDRESS);
      scan(server, piece[0], "s3", piece[1], "ALERT"); // still mailed
      await(WAIT, "a third update", () -> smtp.getReceivedMessages().length >= 4);
      Copy third = copy(server);
      assertThat(third.sealed()).startsWith("2027-01-29:");

      at(server, Instant.parse("2027-01-29T00:00:00Z").minusSeconds(1));
      assertThat(rows(server)).isEqualTo(1);
      at(server, Instant.parse("2027-01-29T00:00:00Z"));
      assertThat(rows(server)).as("30 days after the last scan").isZero();
      at(server, Instant.parse("2027-01-30T00:00:00Z"));
      assertThatThrownBy(() -> seal.open(third.sealed(), third.unsubscribeHash()))
          .isInstanceOf(DayKeyDestroyedException.class);
      assertThat(Path.of(server.app().config().privacy().keyDir(), "mail-2027-01-29.json"))
          .doesNotExist();
    }
  }

  @Test
  void withoutTheNewDaysKeyTheRowNeverOutlivesItsCurrentKey() throws Exception {
    try (TestApp server = start(StoreKind.SQLITE)) {
      String[] piece = confirmed(server); // sealed under the key of 2026-12-29
      at(server, Instant.parse("2026-12-19T12:00:00Z"));
      Files.delete(Path.of(server.app().config().privacy().keyDir(), "mail-2027-01-18.json"));
      scan(server, piece[0], "s1", piece[1], "DEPARTED"); // would move it to 2027-01-18
      assertThat(copy(server).sealed()).as("kept under its key").startsWith("2026-12-29:");
      assertThat(
              Sql.longValue(
                  server.app().database(), "SELECT max(expires_at) FROM mail_subscriptions"))
          .as("capped at the end of that key's day")
          .isEqualTo(Instant.parse("2026-12-30T00:00:00Z").toEpochMilli() - 1);
    }
  }

  /** Moves the clock and runs retention then, as the scheduled job would. */
  private void at(TestApp server, Instant instant) {
    clock.set(instant);
    server.app().retention().run(instant);
  }

  private static AddressSeal seal(TestApp server) {
    return new AddressSeal(() -> server.app().keys(), server.app().config().notifications());
  }

  private static long rows(TestApp server) {
    return Sql.longValue(server.app().database(), "SELECT count(*) FROM mail_subscriptions");
  }

  private static Copy copy(TestApp server) {
    return server
        .app()
        .database()
        .read(
            c -> {
              try (PreparedStatement ps =
                      c.prepareStatement(
                          "SELECT sealed, unsubscribe_hash FROM mail_subscriptions");
                  ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return new Copy(rs.getString(1), rs.getString(2));
              }
            });
  }
}
