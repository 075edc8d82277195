package org.waypost.visitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/**
 * /privacy says who the controller is and how to reach them, the legal basis of each purpose,
 * visitors' rights with their limits, how long aggregates and incidents are kept, and since when
 * the policy is in effect; a restart with a setting the policy depends on changed dates a new
 * version and says what changed. In all three languages, on SQLite and PostgreSQL.
 */
class PrivacyPolicyPageTest {
  private static final Instant FIRST = Instant.parse("2026-11-02T10:00:00Z");
  private static final Instant SECOND = Instant.parse("2026-12-04T10:00:00Z");

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void thePolicyNamesItsControllerBasisRightsAndDatesEachChange(StoreKind kind) {
    Map<String, String> config = new HashMap<>(kind.freshStore(dir));
    config.putAll(
        Map.of(
            "server.port", "0",
            "site.controllerName", "Example Post Ltd",
            "site.contactEmail", "privacy@example.org",
            "privacy.aggregateRetentionDays", "400",
            "privacy.incidentRetentionDays", "60"));
    MutableClock clock = new MutableClock(FIRST);
    try (TestApp app = TestApp.start(TestApp.config(config), clock)) {
      Document en = Jsoup.parse(app.get("/privacy?lang=en").body());
      assertThat(en.select("p.controller").text()).contains("Example Post Ltd");
      assertThat(en.select("main p.privacy-contact a[href=mailto:privacy@example.org]")).hasSize(1);
      assertThat(en.select("table.basis tbody tr")).hasSize(4);
      assertThat(en.select("table.basis").text()).contains("Art. 6(1)(f)").contains("6(1)(c)");
      assertThat(en.select("p.rights-limits").text())
          .contains("cannot find your lookups")
          .contains("After 7 days");
      assertThat(en.text()).contains("400 days, then deleted").contains("60 days");
      assertEffective(en, FIRST);
      assertThat(en.select("table.history tbody tr")).hasSize(1);
      for (String lang : List.of("es", "zh")) {
        Document page = Jsoup.parse(app.get("/privacy?lang=" + lang).body());
        assertThat(page.select("html").attr("lang")).startsWith(lang);
        assertThat(page.select("p.controller").text()).contains("Example Post Ltd");
        assertThat(page.select("table.basis tbody tr")).hasSize(4);
        assertThat(page.select("p.rights-limits").text())
            .isNotEqualTo(en.select("p.rights-limits").text());
        assertThat(page.select("table.history tbody tr")).hasSize(1);
      }
    }

    clock.set(SECOND); // the same configuration again: no new version
    try (TestApp app = TestApp.start(TestApp.config(config), clock)) {
      assertThat(Jsoup.parse(app.get("/privacy").body()).select("table.history tbody tr"))
          .hasSize(1);
    }

    config.put("privacy.securityLogRetentionDays", "3");
    config.put("site.contactEmail", "");
    try (TestApp app = TestApp.start(TestApp.config(config), clock)) {
      Document en = Jsoup.parse(app.get("/privacy").body());
      assertEffective(en, SECOND);
      assertThat(en.select("table.history tbody tr")).hasSize(2);
      assertThat(en.select("table.history tbody tr").first().select("code").eachText())
          .containsExactly(
              "privacy.securityLogRetentionDays: 7 → 3",
              "site.contactEmail: privacy@example.org → —");
      assertThat(en.select("main p.privacy-contact").text())
          .contains("has not published a contact");
      assertThat(en.select("p.rights-limits").text()).contains("After 3 days");
    }
  }

  /** The policy is in effect since the newest version's day, as the history dates it. */
  private static void assertEffective(Document page, Instant since) {
    var newest = page.select("table.history tbody tr time").first();
    assertThat(newest.attr("datetime")).isEqualTo(day(since));
    assertThat(page.select("p.effective").text()).contains(newest.text());
  }

  private static String day(Instant instant) {
    return LocalDate.ofInstant(instant, ZoneOffset.UTC).toString();
  }
}
