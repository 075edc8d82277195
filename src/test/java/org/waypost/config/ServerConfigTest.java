package org.waypost.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The server's operational keys: the management port and the drain on stop. */
class ServerConfigTest {
  private static WaypostConfig load(Map<String, String> env, Map<String, String> overrides) {
    return ConfigLoader.load(null, env, overrides);
  }

  @Test
  void byDefaultProbesAndMetricsShareTheMainPortAndAStopDrainsForTenSeconds() {
    ServerConfig server = load(Map.of(), Map.of()).server();
    assertThat(server.managementPort()).isZero();
    assertThat(server.hasManagementPort()).isFalse();
    assertThat(server.drainSeconds()).isEqualTo(10);
  }

  @Test
  void bothCanBeSetFromTheEnvironment() {
    ServerConfig server =
        load(
                Map.of(
                    "WAYPOST_SERVER_MANAGEMENTPORT", "9090", "WAYPOST_SERVER_DRAINSECONDS", "25"),
                Map.of())
            .server();
    assertThat(server.managementPort()).isEqualTo(9090);
    assertThat(server.hasManagementPort()).isTrue();
    assertThat(server.drainSeconds()).isEqualTo(25);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "server.managementPort, 70000, server.managementPort must be between 0 and 65535",
    "server.managementPort, -1, server.managementPort must be between 0 and 65535",
    "server.managementPort, 8080, server.managementPort must differ from server.port (8080)",
    "server.managementPort, nine, server.managementPort",
    "server.drainSeconds, 301, server.drainSeconds must be between 0 and 300",
    "server.drainSeconds, -5, server.drainSeconds must be between 0 and 300"
  })
  void aBadValueStopsTheStartNamingTheKey(String key, String value, String message) {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> load(Map.of(), Map.of(key, value)));
    assertThat(e).as("a ConfigException").isNotNull();
    assertThat(e).hasMessageContaining(message);
  }
}
