package org.waypost.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The email tier's lifetimes and legal switch: defaults, the environment, and what is refused. */
class NotificationLifetimesConfigTest {
  @Test
  void defaultsAreTwoDaysAfterDeliveryThirtyAfterTheLastScanAndNoLegalReach() {
    NotificationsConfig n = ConfigLoader.load(null, Map.of(), Map.of()).notifications();
    assertThat(n.daysAfterDelivery()).isEqualTo(2);
    assertThat(n.daysAfterLastScan()).isEqualTo(30);
    assertThat(n.legalRequestsReachSubscriptions()).isFalse();
  }

  @Test
  void theEnvironmentSetsThem() {
    NotificationsConfig n =
        ConfigLoader.load(
                null,
                Map.of(
                    "WAYPOST_NOTIFICATIONS_DAYSAFTERDELIVERY", "1",
                    "WAYPOST_NOTIFICATIONS_DAYSAFTERLASTSCAN", "14",
                    "WAYPOST_NOTIFICATIONS_LEGALREQUESTSREACHSUBSCRIPTIONS", "true"),
                Map.of())
            .notifications();
    assertThat(n.daysAfterDelivery()).isEqualTo(1);
    assertThat(n.daysAfterLastScan()).isEqualTo(14);
    assertThat(n.legalRequestsReachSubscriptions()).isTrue();
  }

  @Test
  void refusesLifetimesOutOfRangeOrAtOddsWithEachOther() {
    assertThatThrownBy(() -> load("notifications.daysAfterLastScan", "0"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("notifications.daysAfterLastScan must be between 1 and 90, was 0");
    assertThatThrownBy(() -> load("notifications.daysAfterLastScan", "91"))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> load("notifications.daysAfterDelivery", "-1"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("notifications.daysAfterDelivery");
    assertThatThrownBy(() -> load("notifications.daysAfterDelivery", "31"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("between 0 and notifications.daysAfterLastScan (30), was 31");
  }

  private static WaypostConfig load(String key, String value) {
    return ConfigLoader.load(null, Map.of(), Map.of(key, value));
  }
}
