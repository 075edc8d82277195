package org.waypost.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waypost.notify.WebhooksTest.register;
import static org.waypost.notify.WebhooksTest.scan;
import static org.waypost.testing.WebhookReceiver.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.testing.MutableClock;
import org.waypost.testing.Sql;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.testing.TestServer.Response;

/** The demo's outbox page: the whole mail flow without an SMTP server, and only in the demo. */
class DemoMailTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  void theDemoShowsEachMailWithLinksToFollow() throws Exception {
    try (TestApp demo =
        TestApp.start(
            StoreKind.SQLITE,
            dir,
            new MutableClock(Instant.parse("2026-11-29T12:00:00Z")),
            Map.of("notifications.demoOutbox", "true"))) {
      String acme = demo.shipperKey("Acme");
      String number = register(demo, acme);
      assertThat(demo.get("/demo/mail").body()).contains("No mail yet");
      Response sent =
          demo.post(
              "/track/" + number + "/subscribe",
              "application/x-www-form-urlencoded",
              "email=ann%40example.org&events=ALL");
      assertThat(sent.status()).isEqualTo(200);
      await(WAIT, "the confirmation in the outbox", () -> outbox(demo) == 1);

      String page = demo.get("/demo/mail").body();
      assertThat(page).contains("ann@example.org").contains("Confirm updates for " + number);
      Response confirmed = demo.get(href(page, "/subscriptions/confirm?token="));
      assertThat(confirmed.status()).isEqualTo(200);
      assertThat(confirmed.body()).contains("Updates confirmed");

      scan(demo, acme, "d1", number, "OUT_FOR_DELIVERY");
      await(WAIT, "the update in the outbox", () -> outbox(demo) == 2);
      page = demo.get("/demo/mail").body();
      int update = page.indexOf(number + ": Out for delivery");
      assertThat(update).as("the update is shown").isPositive();
      assertThat(update).as("newest first").isLessThan(page.indexOf("Confirm updates for "));

      // the unsubscribe button POSTs to the mail's own link, as a one-click client would
      Matcher form =
          Pattern.compile("<form method=\"post\" action=\"(/subscriptions/unsubscribe[^\"]+)\"")
              .matcher(page);
      assertThat(form.find()).isTrue();
      Response gone =
          demo.post(form.group(1).replace("&amp;", "&"), "application/x-www-form-urlencoded", "");
      assertThat(gone.status()).isEqualTo(200);
      assertThat(Sql.longValue(demo.app().database(), "SELECT count(*) FROM mail_subscriptions"))
          .isZero();
    }
  }

  @Test
  void withoutTheDemoThereIsNoOutboxPage() {
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir)) {
      assertThat(server.get("/demo/mail").status()).isEqualTo(404);
      assertThat(server.app().demoOutbox()).isNull();
      // and without any way to send mail, no card offers the form and its route is not there
      String number = register(server, server.shipperKey("Acme"));
      assertThat(server.get("/track/" + number).body()).doesNotContain("subscribe-form");
      assertThat(
              server
                  .post(
                      "/track/" + number + "/subscribe",
                      "application/x-www-form-urlencoded",
                      "email=ann%40example.org")
                  .status())
          .isEqualTo(404);
    }
  }

  @Test
  void theOutboxKeepsOnlyTheNewestMails() {
    DemoOutbox outbox = new DemoOutbox(Clock.systemUTC());
    for (int i = 1; i <= DemoOutbox.KEPT + 5; i++) {
      outbox.send("ann@example.org", new MailText("mail " + i, "", "", "", null, ""));
    }
    assertThat(outbox.newestFirst()).hasSize(DemoOutbox.KEPT);
    assertThat(outbox.newestFirst().getFirst().text().subject()).isEqualTo("mail 205");
    assertThat(outbox.newestFirst().getLast().text().subject()).isEqualTo("mail 6");
  }

  private static int outbox(TestApp demo) {
    return demo.app().demoOutbox().newestFirst().size();
  }

  /** The first link on the page that starts with {@code prefix}, unescaped. */
  private static String href(String page, String prefix) {
    Matcher m = Pattern.compile("href=\"(" + Pattern.quote(prefix) + "[^\"]+)\"").matcher(page);
    assertThat(m.find()).as("a link %s", prefix).isTrue();
    return m.group(1).replace("&amp;", "&");
  }
}
