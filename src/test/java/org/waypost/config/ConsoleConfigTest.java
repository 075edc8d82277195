package org.waypost.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator's contact and the legal requests' due days: defaults, overrides, refusals. */
class ConsoleConfigTest {
  private static WaypostConfig load(Map<String, String> overrides) {
    return ConfigLoader.load(null, Map.of(), overrides);
  }

  @Test
  void byDefaultThereIsNoContactAndRequestsAreDueInThirtyDaysOrOneForAnEmergency() {
    WaypostConfig config = load(Map.of());
    assertThat(config.site().hasContact()).isFalse();
    assertThat(config.governance().legalDueDays()).isEqualTo(30);
    assertThat(config.governance().emergencyDueDays()).isEqualTo(1);
  }

  @Test
  void aContactIsAnEmailAddressOrAWebAddressAndTheEnvironmentSetsIt() {
    WaypostConfig config =
        ConfigLoader.load(
            null,
            Map.of(
                "WAYPOST_SITE_CONTACTEMAIL", " abuse@example.org ",
                "WAYPOST_GOVERNANCE_LEGALDUEDAYS", "14"),
            Map.of("site.contactUrl", "https://example.org/contact?topic=blocked"));
    assertThat(config.site().contactEmail()).isEqualTo("abuse@example.org");
    assertThat(config.site().contactUrl()).isEqualTo("https://example.org/contact?topic=blocked");
    assertThat(config.site().hasContact()).isTrue();
    assertThat(config.governance().legalDueDays()).isEqualTo(14);
  }

  @Test
  void aBadContactOrDueDaysStopsTheStartNamingTheKey() {
    for (String email :
        new String[] {"abuse", "abuse@", "a b@example.org", "<x>@example.org", "x@example"}) {
      assertThatThrownBy(() -> load(Map.of("site.contactEmail", email)))
          .as(email)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("site.contactEmail");
    }
    for (String url :
        new String[] {
          "example.org",
          "javascript:alert(1)",
          "ftp://example.org",
          "https://",
          "https://a b",
          "https://user:pw@example.org/"
        }) {
      assertThatThrownBy(() -> load(Map.of("site.contactUrl", url)))
          .as(url)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("site.contactUrl");
    }
    assertThatThrownBy(() -> load(Map.of("governance.legalDueDays", "0")))
        .hasMessageContaining("governance.legalDueDays");
    assertThatThrownBy(
            () -> load(Map.of("governance.legalDueDays", "5", "governance.emergencyDueDays", "6")))
        .hasMessageContaining("governance.emergencyDueDays");
  }
}
