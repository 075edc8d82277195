package org.waypost.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waypost.notify.WebhooksTest.register;
import static org.waypost.testing.Fixtures.eventJson;
import static org.waypost.testing.Fixtures.jsonArray;
import static org.waypost.testing.WebhookReceiver.await;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
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
import org.waypost.web.Language;
import org.waypost.web.Text;

/**
 * What the mails say, read back from a real SMTP server (GreenMail): each language's words, the
 * mails when the expected delivery day moves, and the result card's form as plain HTTP.
 */
class MailContentTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String JSON = "application/json";
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String BASE = "http://tracking.example.org";

  @RegisterExtension
  static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

  @TempDir Path dir;

  /** A Sunday noon: Priority (2 business days) accepted on Wednesday is expected on Friday. */
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));

  private TestApp start(StoreKind kind) {
    return TestApp.start(kind, dir, clock, Mailbox.config(smtp, BASE));
  }

  @Test
  void everyMailIsInTheLanguageThePersonUsed() throws Exception {
    try (TestApp server = start(StoreKind.SQLITE)) {
      String acme = server.shipperKey("Acme");
      for (Language language : Language.values()) {
        Text words = Text.of(language);
        String lang = language.code();
        String address = lang + "@example.org";
        String number = register(server, acme);
        scan(server, acme, lang + "-1", number, "ACCEPTED", "2026-11-25T08:00:00-05:00");
        assertThat(
                subscribe(
                    server,
                    number,
                    address,
                    ",\"events\":\"ALL\",\"estimateChanges\":true,\"language\":\"" + lang + "\""))
            .isEqualTo(202);
        await(WAIT, "the confirmation in " + lang, () -> to(address).size() == 1);
        MimeMessage confirmation = to(address).getFirst();
        assertThat(confirmation.getSubject()).isEqualTo(words.get("mail.confirm.subject", number));
        assertThat(Mailbox.plain(confirmation))
            .contains(words.get("mail.confirm.intro", number))
            .contains(words.get("mail.confirm.ignore"));
        assertThat(Mailbox.html(confirmation))
            .contains(">" + words.get("mail.confirm.button") + "</a>");
        String confirm = link(Mailbox.plain(confirmation), "/subscriptions/confirm?token=");
        assertThat(confirm).endsWith(lang.equals("en") ? "" : "&lang=" + lang);

        Response confirmed = server.get(confirm);
        assertThat(confirmed.status()).isEqualTo(200);
        assertThat(confirmed.body())
            .contains("<html lang=\"" + lang + "\">")
            .contains(words.get("subscribe.confirmed.title"));

        // a scan on Saturday: the piece is behind, now expected on Monday; two mails
        scan(server, acme, lang + "-2", number, "ARRIVED", "2026-11-28T08:00:00-05:00");
        await(WAIT, "the update and the estimate in " + lang, () -> to(address).size() == 3);
        MimeMessage update = only(address, words.get("mail.update.intro", number));
        String arrived = lang.equals("en") ? "Arrived at facility" : words.get("event.ARRIVED");
        assertThat(update.getSubject())
            .isEqualTo(words.get("mail.update.subject", number, arrived));
        assertThat(Mailbox.plain(update))
            .contains(words.get("mail.update.intro", number))
            .contains(words.get("mail.history") + ": " + BASE + "/track/" + number)
            .contains(words.get("mail.stop") + ": " + BASE + "/subscriptions/unsubscribe?token=");
        assertThat(Mailbox.html(update)).contains(">" + words.get("mail.stop") + "</a>");

        String monday = words.day(LocalDate.parse("2026-11-30"));
        MimeMessage estimate = only(address, words.get("mail.estimate.note"));
        assertThat(estimate.getSubject())
            .isEqualTo(words.get("mail.estimate.subject", number, monday));
        assertThat(Mailbox.plain(estimate))
            .contains(words.get("mail.estimate.text", number, monday))
            .contains(words.get("mail.estimate.before", words.day(LocalDate.parse("2026-11-27"))))
            .contains(words.get("mail.estimate.note"));
        assertThat(estimate.getHeader("List-Unsubscribe-Post"))
            .containsExactly("List-Unsubscribe=One-Click");
      }
    }
  }

  /**
   * Ann asked for estimate changes, Bob only for key scans, Carol for changes but confirms after
   * the first: a change mails Ann (and, once confirmed, Carol) once; a scan that leaves the day
   * where it was mails no one; Bob never gets one.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aMovedEstimateMailsThoseWhoAskedOncePerChange(StoreKind kind) throws Exception {
    try (TestApp server = start(kind)) {
      String acme = server.shipperKey("Acme");
      String number = register(server, acme);
      scan(server, acme, "e1", number, "ACCEPTED", "2026-11-25T08:00:00-05:00"); // Friday
      String ann = "ann@example.org";
      String bob = "bob@example.org";
      String carol = "carol@example.org";
      assertThat(subscribe(server, number, ann, ",\"events\":\"KEY\",\"estimateChanges\":true"))
          .isEqualTo(202);
      assertThat(subscribe(server, number, bob, ",\"events\":\"KEY\"")).isEqualTo(202);
      assertThat(subscribe(server, number, carol, ",\"events\":\"KEY\",\"estimateChanges\":true"))
          .isEqualTo(202);
      await(WAIT, "three confirmations", () -> smtp.getReceivedMessages().length == 3);
      server.get(link(Mailbox.plain(to(ann).getFirst()), "/subscriptions/confirm?token="));
      server.get(link(Mailbox.plain(to(bob).getFirst()), "/subscriptions/confirm?token="));

      scan(server, acme, "e2", number, "ARRIVED", "2026-11-28T08:00:00-05:00"); // now Monday
      await(WAIT, "Ann's first estimate mail", () -> to(ann).size() == 2);
      assertThat(to(ann).getLast().getSubject()).contains("now expected Monday, November 30");
      server.get(link(Mailbox.plain(to(carol).getFirst()), "/subscriptions/confirm?token="));

      scan(server, acme, "e3", number, "DEPARTED", "2026-11-29T08:00:00-05:00"); // still Monday
      scan(server, acme, "e4", number, "ARRIVED", "2026-11-30T06:00:00-05:00"); // now Tuesday
      await(WAIT, "Ann's and Carol's Tuesday mails", () -> to(carol).size() == 2);
      await(WAIT, "Ann's Tuesday mail", () -> to(ann).size() == 3);
      // the same scan sent again is a duplicate: it moves nothing and mails nothing
      scan(server, acme, "e4", number, "ARRIVED", "2026-11-30T06:00:00-05:00", 0);
      Thread.sleep(1500);
      assertThat(to(ann)).hasSize(3);
      assertThat(to(carol)).hasSize(2);
      assertThat(to(bob)).as("Bob asked for no estimates, and no key scan came").hasSize(1);
      assertThat(to(ann).getLast().getSubject()).contains("now expected Tuesday, December 1");
      assertThat(Mailbox.plain(to(carol).getLast()))
          .contains("it is now Tuesday, December 1")
          .contains("Before, it was Monday, November 30");
      assertThat(
              Sql.longValue(
                  server.app().database(),
                  "SELECT count(*) FROM mail_subscriptions WHERE estimate = '2026-12-01'"))
          .isEqualTo(2);
    }
  }

  @Test
  void theApiRefusesABadLanguageOrEstimateFlag() {
    try (TestApp server = start(StoreKind.SQLITE)) {
      String number = register(server, server.shipperKey("Acme"));
      assertThat(subscribe(server, number, "ann@example.org", ",\"language\":\"fr\""))
          .isEqualTo(400);
      assertThat(subscribe(server, number, "ann@example.org", ",\"language\":\"<b>\""))
          .isEqualTo(400);
      assertThat(subscribe(server, number, "ann@example.org", ",\"estimateChanges\":\"yes\""))
          .isEqualTo(400);
      assertThat(subscribe(server, number, "ann@example.org", ",\"language\":\"es-MX\""))
          .isEqualTo(202);
      assertThat(
              Sql.longValue(
                  server.app().database(),
                  "SELECT count(*) FROM mail_subscriptions WHERE language = 'es'"))
          .isEqualTo(1);
    }
  }

  /** The result card's form without a browser: what it answers, in the page's language. */
  @Test
  void theFormAnswersInThePagesLanguageAndRefusesCrossSitePosts() throws Exception {
    try (TestApp server = start(StoreKind.SQLITE)) {
      String acme = server.shipperKey("Acme");
      String number = register(server, acme);
      Text spanish = Text.of(Language.ES);
      String page = server.get("/track/" + number + "?lang=es").body();
      assertThat(page)
          .contains("action=\"/track/" + number + "/subscribe?lang=es\"")
          .contains(spanish.get("subscribe.summary"));
      // on a page of several numbers each card has its own form; a delivered piece has none
      String delivered = register(server, acme);
      scan(server, acme, "f1", delivered, "DELIVERED", "2026-11-28T08:00:00-05:00");
      String several = server.get("/track?numbers=" + number + "," + delivered).body();
      assertThat(several)
          .contains("action=\"/track/" + number + "/subscribe\"")
          .contains("id=\"n-1-email\"")
          .doesNotContain("/track/" + delivered + "/subscribe");

      Response bad = form(server, number, "?lang=es", "email=not-an-address&events=ALL");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.contentType()).startsWith("text/html");
      assertThat(bad.body())
          .contains(spanish.get("subscribe.badEmail"))
          .contains("value=\"not-an-address\"")
          .contains("aria-invalid=\"true\"");

      Response crossSite =
          form(
              server,
              number,
              "",
              "email=ann%40example.org&events=ALL",
              "Sec-Fetch-Site",
              "cross-site");
      assertThat(crossSite.status()).isEqualTo(403);

      Response sent =
          form(
              server,
              number,
              "?lang=es",
              "email="
                  + URLEncoder.encode("Ann@example.org", StandardCharsets.UTF_8)
                  + "&events=KEY&estimates=yes",
              "Sec-Fetch-Site",
              "same-origin");
      assertThat(sent.status()).isEqualTo(200);
      assertThat(sent.body()).contains(spanish.get("subscribe.sent.title"));
      await(WAIT, "the Spanish confirmation", () -> smtp.getReceivedMessages().length == 1);
      assertThat(smtp.getReceivedMessages()[0].getSubject())
          .isEqualTo(spanish.get("mail.confirm.subject", number));
      assertThat(
              Sql.longValue(
                  server.app().database(),
                  "SELECT count(*) FROM mail_subscriptions"
                      + " WHERE events = 'KEY' AND estimates = 1 AND language = 'es'"))
          .isEqualTo(1);

      // the same limit and the same silent answer as the API: 3 an hour to one address
      for (int i = 0; i < 3; i++) {
        assertThat(form(server, number, "", "email=ann%40example.org&events=ALL").status())
            .isEqualTo(200);
      }
      Thread.sleep(1500);
      assertThat(smtp.getReceivedMessages()).hasSize(3);

      // an unknown number answers as its lookup would
      String unknown = TrackingNumber.issueImpb("055", "123456", 987_654L).value();
      assertThat(form(server, unknown, "", "email=dan%40example.org").status()).isEqualTo(404);
    }
  }

  // ---- helpers

  private static int subscribe(TestApp server, String number, String email, String rest) {
    return server
        .post(
            "/api/v1/subscriptions",
            JSON,
            "{\"trackingNumber\":\"" + number + "\",\"email\":\"" + email + "\"" + rest + "}")
        .status();
  }

  private static Response form(
      TestApp server, String number, String query, String body, String... headers) {
    return server.post("/track/" + number + "/subscribe" + query, FORM, body, headers);
  }

  private static void scan(
      TestApp server, String key, String id, String number, String type, String time) {
    scan(server, key, id, number, type, time, 1);
  }

  private static void scan(
      TestApp server,
      String key,
      String id,
      String number,
      String type,
      String time,
      int accepted) {
    Response posted =
        server.postAs(key, "/api/v1/events", JSON, jsonArray(eventJson(id, number, type, time)));
    assertThat(posted.json().get("accepted").asInt()).as(posted.body()).isEqualTo(accepted);
  }

  private static List<MimeMessage> to(String address) {
    return Mailbox.to(smtp, address);
  }

  /** The one mail to {@code address} whose text says {@code marker}. */
  private static MimeMessage only(String address, String marker) {
    List<MimeMessage> mails =
        to(address).stream().filter(m -> Mailbox.plain(m).contains(marker)).toList();
    assertThat(mails).as("mails to %s saying %s", address, marker).hasSize(1);
    return mails.getFirst();
  }

  private static String link(String text, String prefix) {
    return Mailbox.link(text, BASE, prefix);
  }
}
