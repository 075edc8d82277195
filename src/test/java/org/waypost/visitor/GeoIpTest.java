package org.waypost.visitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Country lookups against MaxMind's public test database (src/test/resources/maxmind-test-db, MIT
 * licence beside it). The addresses that resolve to a country are MaxMind's own fixture networks in
 * that file, not documentation addresses: they are the only ones the file knows, and this is the
 * only test that uses them. No address is contacted; the lookup reads the local file.
 */
class GeoIpTest {
  private static GeoIp geoIp;

  @BeforeAll
  static void open() throws URISyntaxException {
    geoIp = GeoIp.open(testDatabase());
  }

  @AfterAll
  static void close() throws IOException {
    geoIp.close();
  }

  private static Path testDatabase() throws URISyntaxException {
    return Path.of(
        GeoIpTest.class.getResource("/maxmind-test-db/GeoLite2-Country-Test.mmdb").toURI());
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(literal, e);
    }
  }

  // MaxMind fixture addresses from the test database (see the class comment).
  @ParameterizedTest
  @CsvSource({
    "2.125.160.216, GB",
    "81.2.69.142, GB",
    "89.160.20.112, SE",
    "216.160.83.56, US",
    "202.196.224.1, PH",
    "2001:218::1, JP"
  })
  void knownNetworksHaveTheirCountry(String address, String country) {
    assertThat(geoIp.country(ip(address))).contains(country);
  }

  @ParameterizedTest
  @ValueSource(strings = {"203.0.113.7", "192.0.2.1", "198.51.100.1", "2001:db8::7", "127.0.0.1"})
  void unknownAddressesHaveNoCountry(String address) {
    assertThat(geoIp.country(ip(address))).isEmpty();
  }

  @Test
  void noneAlwaysAnswersEmpty() {
    assertThat(GeoIp.none().country(ip("2.125.160.216"))).isEmpty();
    assertThat(GeoIp.none().country(null)).isEmpty();
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("GeoLite2-Country.mmdb");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> GeoIp.open(missing))
        .withMessageContaining(missing.toString());
  }

  @Test
  void aFileThatIsNoDatabaseIsNamed(@TempDir Path dir) throws IOException {
    Path notADatabase = Files.writeString(dir.resolve("country.mmdb"), "not a MaxMind database");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> GeoIp.open(notADatabase))
        .withMessageContaining(notADatabase.toString());
  }
}
