package org.waypost.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waypost.notify.WebhooksTest.register;
import static org.waypost.testing.Fixtures.eventJson;
import static org.waypost.testing.Fixtures.jsonArray;
import static org.waypost.testing.WebhookReceiver.await;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.waypost.testing.Browser;
import org.waypost.testing.Mailbox;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.web.Language;
import org.waypost.web.Text;

/**
 * The result card's email form in Chromium, with page scripts off (it must work without them): at
 * 360, 390 and 1280 px in every language it fits and axe-core finds nothing; a person fills it in,
 * is told to check the inbox, and the confirmation reaches a real SMTP server (GreenMail) in the
 * page's language; its link confirms in the browser.
 */
class SubscriptionFormBrowserTest {
  private static final String BASE = "http://tracking.example.org";

  @RegisterExtension
  static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

  @TempDir Path dir;

  @Test
  void aPersonAsksForUpdatesWithTheFormAndConfirms() throws Exception {
    TestApp app = null;
    Browser browser = null;
    try {
      app =
          TestApp.start(
              StoreKind.SQLITE,
              dir.resolve("app"),
              new MutableClock(Instant.parse("2026-11-29T12:00:00Z")),
              Mailbox.config(smtp, BASE));
      String acme = app.shipperKey("Acme");
      String number = register(app, acme);
      app.postAs(
          acme,
          "/api/v1/events",
          "application/json",
          jsonArray(eventJson("b1", number, "ACCEPTED", "2026-11-27T08:00:00-05:00")));
      // axe needs scripts; Waypost's pages have none and their policy allows none
      browser = Browser.start(app, dir.resolve("profile"), true);

      for (Language language : Language.values()) {
        for (int width : new int[] {360, 390, 1280}) {
          browser.viewport(width, 900);
          browser.open("/track/" + number + "?lang=" + language.code());
          browser.driver().findElement(By.cssSelector("#n-1 details.subscribe summary")).click();
          assertThat(browser.driver().findElement(By.id("n-1-email")).isDisplayed()).isTrue();
          browser.checkShown("the open form in " + language.code(), width);
          if (width == 360) {
            browser.screenshotWholePage(
                Path.of("target/screenshots/subscribe-form-" + language.code() + "-360.png"));
          }
        }
      }

      Text spanish = Text.of(Language.ES);
      browser.viewport(360, 900);
      browser.open("/track/" + number + "?lang=es");
      browser.driver().findElement(By.cssSelector("#n-1 details.subscribe summary")).click();
      // the browser takes this address; the server does not (no dot in the domain)
      browser.type("n-1-email", "ana@example");
      browser.submit("#n-1 .subscribe-form button[type=submit]");
      assertThat(browser.text("#retry-email-error")).isEqualTo(spanish.get("subscribe.badEmail"));
      browser.checkShown("the form again with its error", 360);

      browser.type("retry-email", "ana@example.org");
      browser.driver().findElement(By.cssSelector("input[name=events][value=KEY]")).click();
      browser.driver().findElement(By.cssSelector("input[name=estimates]")).click();
      browser.submit(".subscribe-form button[type=submit]");
      assertThat(browser.text("h1")).isEqualTo(spanish.get("subscribe.sent.title"));
      browser.checkShown("check your inbox", 360);

      await(
          Duration.ofSeconds(20), "the confirmation", () -> smtp.getReceivedMessages().length == 1);
      MimeMessage mail = smtp.getReceivedMessages()[0];
      assertThat(mail.getSubject()).isEqualTo(spanish.get("mail.confirm.subject", number));
      Matcher confirm =
          Pattern.compile(Pattern.quote(BASE) + "(/subscriptions/confirm\\?token=[A-Za-z0-9_&=-]+)")
              .matcher(Mailbox.plain(mail));
      assertThat(confirm.find()).isTrue();
      browser.open(confirm.group(1));
      assertThat(browser.text("h1")).isEqualTo(spanish.get("subscribe.confirmed.title"));
      browser.checkShown("the confirmation page", 360);
    } finally {
      Browser.close(browser, app);
    }
  }
}
