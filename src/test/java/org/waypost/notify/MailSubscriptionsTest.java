package org.waypost.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waypost.notify.WebhooksTest.register;
import static org.waypost.notify.WebhooksTest.scan;
import static org.waypost.testing.WebhookReceiver.await;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.testing.Mailbox;
import org.waypost.testing.MutableClock;
import org.waypost.testing.Sql;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.testing.TestServer.Response;
import org.waypost.tracking.TrackingNumber;

/** Recipients' email end to end: a real server, a real SMTP server (GreenMail), both stores. */
class MailSubscriptionsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String JSON = "application/json";
  private static final String BASE = "http://tracking.example.org";

  @RegisterExtension
  static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));

  private TestApp start(StoreKind kind) {
    return TestApp.start(kind, dir, clock, Mailbox.config(smtp, BASE));
  }

  static Response subscribe(TestApp server, String number, String email, String events) {
    return server.post(
        "/api/v1/subscriptions",
        JSON,
        "{\"trackingNumber\":\""
            + number
            + "\",\"email\":\""
            + email
            + "\",\"events\":\""
            + events
            + "\"}");
  }

  private static List<MimeMessage> to(String address) {
    return Mailbox.to(smtp, address);
  }

  /** The path and query of the first link in the mail's decoded text that starts with prefix. */
  static String link(MimeMessage mail, String prefix) {
    return Mailbox.link(Mailbox.plain(mail), BASE, prefix);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void doubleOptInThenTheRightMailsUntilOneClickUnsubscribe(StoreKind kind) throws Exception {
    try (TestApp server = start(kind)) {
      String acme = server.shipperKey("Acme");
      String number = register(server, acme);
      String ann = "ann@example.org";
      String bob = "bob@example.org";
      assertThat(subscribe(server, number, ann, "ALL").status()).isEqualTo(202);
      assertThat(subscribe(server, number, bob, "KEY").status()).isEqualTo(202);
      await(WAIT, "two confirmation mails", () -> smtp.getReceivedMessages().length >= 2);

      // before confirming: a scan sends nothing
      scan(server, acme, "s1", number, "ACCEPTED");
      Thread.sleep(1500);
      assertThat(smtp.getReceivedMessages()).hasSize(2);
      MimeMessage annConfirm = to(ann).getFirst();
      assertThat(annConfirm.getSubject()).contains(number);
      assertThat(annConfirm.getHeader("List-Unsubscribe")[0]).startsWith("<" + BASE);

      // the address is sealed: nowhere in the subscription's row
      assertThat(
              Sql.longValue(
                  server.app().database(),
                  "SELECT count(*) FROM mail_subscriptions WHERE sealed LIKE '%example.org%'"))
          .isZero();

      assertThat(server.get(link(annConfirm, "/subscriptions/confirm?token=")).status())
          .isEqualTo(200);
      assertThat(server.get(link(to(bob).getFirst(), "/subscriptions/confirm?token=")).status())
          .isEqualTo(200);

      scan(server, acme, "s2", number, "ARRIVED"); // Ann only
      scan(server, acme, "s3", number, "OUT_FOR_DELIVERY"); // both
      await(WAIT, "Ann's two updates and Bob's one", () -> smtp.getReceivedMessages().length >= 5);
      Thread.sleep(1000);
      assertThat(to(ann)).hasSize(3);
      assertThat(to(bob)).hasSize(2);
      assertThat(to(bob).getLast().getSubject()).contains("Out for delivery");
      MimeMessage update = to(ann).getLast();
      assertThat(update.getHeader("List-Unsubscribe-Post"))
          .containsExactly("List-Unsubscribe=One-Click");
      String header = update.getHeader("List-Unsubscribe")[0];
      assertThat(header)
          .matches("<" + Pattern.quote(BASE) + "/subscriptions/unsubscribe\\?token=.+>");
      String unsubscribe = link(update, "/subscriptions/unsubscribe?token=");
      assertThat(header).isEqualTo("<" + BASE + unsubscribe + ">"); // the visible link is the same

      // RFC 8058: one POST with List-Unsubscribe=One-Click unsubscribes
      Response gone =
          server.send(
              HttpRequest.newBuilder(server.uri(unsubscribe))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")));
      assertThat(gone.status()).isEqualTo(200);
      assertThat(Sql.longValue(server.app().database(), "SELECT count(*) FROM mail_subscriptions"))
          .isEqualTo(1);

      scan(server, acme, "s4", number, "DELIVERED");
      await(WAIT, "Bob's delivered mail", () -> to(bob).size() >= 3);
      Thread.sleep(1000);
      assertThat(to(ann)).as("nothing after unsubscribing").hasSize(3);
      assertThat(to(bob)).hasSize(3);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void refusesBadInputAnswersUnknownNumbersAsLookupsAndLimitsConfirmations(StoreKind kind)
      throws Exception {
    try (TestApp server = start(kind)) {
      String acme = server.shipperKey("Acme");
      String number = register(server, acme);
      Response bad = subscribe(server, number, "not an address", "ALL");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.json().get("type").asText()).isEqualTo("/problems/validation-failed");
      assertThat(subscribe(server, number, "eve@example.org", "SOME").status()).isEqualTo(400);
      String unknown = TrackingNumber.issueImpb("055", "123456", 987_654L).value();
      Response missing = subscribe(server, unknown, "eve@example.org", "ALL");
      assertThat(missing.status()).isEqualTo(404);
      assertThat(missing.json().get("detail"))
          .isEqualTo(server.get("/api/v1/tracking/" + unknown).json().get("detail"));

      // a fourth confirmation to one address within the hour: 202, but not sent
      for (int i = 0; i < 4; i++) {
        assertThat(subscribe(server, number, "Carol@example.org", "ALL").status()).isEqualTo(202);
      }
      await(WAIT, "three confirmations", () -> smtp.getReceivedMessages().length >= 3);
      Thread.sleep(1500);
      assertThat(smtp.getReceivedMessages()).hasSize(3);
      clock.advance(Duration.ofMinutes(61));
      assertThat(subscribe(server, number, "carol@example.org", "ALL").status()).isEqualTo(202);
      await(WAIT, "a fourth an hour later", () -> smtp.getReceivedMessages().length >= 4);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anUnconfirmedRequestIsDeletedAfter24Hours(StoreKind kind) throws Exception {
    try (TestApp server = start(kind)) {
      String number = register(server, server.shipperKey("Acme"));
      assertThat(subscribe(server, number, "dan@example.org", "ALL").status()).isEqualTo(202);
      await(WAIT, "the confirmation", () -> smtp.getReceivedMessages().length == 1);
      String confirm = link(smtp.getReceivedMessages()[0], "/subscriptions/confirm?token=");
      clock.advance(Duration.ofHours(23));
      server.app().mailSender().wake();
      Thread.sleep(1000);
      assertThat(count(server)).as("kept for 24 h").isEqualTo(1);
      clock.advance(Duration.ofHours(1).plusMinutes(1));
      server.app().mailSender().wake();
      await(WAIT, "the request is deleted", () -> count(server) == 0);
      assertThat(server.get(confirm).status()).isEqualTo(404);
    }
  }

  private static long count(TestApp server) {
    return Sql.longValue(server.app().database(), "SELECT count(*) FROM mail_subscriptions");
  }

  @Test
  void withoutSmtpTheRouteIsNotOffered() {
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir, clock, Map.of())) {
      assertThat(
              server
                  .post(
                      "/api/v1/subscriptions",
                      JSON,
                      "{\"trackingNumber\":\"x\",\"email\":\"a@example.org\",\"events\":\"ALL\"}")
                  .status())
          .isEqualTo(404);
    }
  }
}
