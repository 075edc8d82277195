package org.waypost.visitor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The referrer aggregates keep: a host, never a path, query or user name, since those can carry a
 * search term, a token or a tracking number; and only a public domain name, never an address or an
 * intranet name, which point at the visitor's own network. Reserved example domains (RFC 2606) and
 * documentation addresses only.
 */
class ReferrersTest {
  private static final String OWN = "track.example.com";

  private static String host(String referer) {
    return Referrers.host(referer, OWN);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"  ", "\t"})
  void noHeaderIsNone(String referer) {
    assertThat(host(referer)).isEqualTo("(none)");
  }

  @ParameterizedTest
  @CsvSource({
    "https://example.org/, example.org",
    "https://news.Example.ORG/search?q=9400111899223197428490#top, news.example.org",
    "http://news.example.net:8080/path, news.example.net",
    "https://user:secret@example.org/private, example.org",
    "HTTPS://EXAMPLE.ORG, example.org",
    "https://example.org./, example.org",
    "https://example.org?q=x, example.org",
    "https://example.org#frag, example.org",
    "https://example.org:/x, example.org",
    "https://xn--bcher-kva.example.com/, xn--bcher-kva.example.com",
    "'https://evil.example.net\\@example.org/', evil.example.net"
  })
  void keepsOnlyTheLowerCaseHost(String referer, String expected) {
    assertThat(host(referer)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "https://www.example.org/, example.org",
    "https://WWW.Example.org:443/x, example.org",
    "https://www.example.co.uk/, example.co.uk",
    "https://www.news.example.org/, news.example.org",
    "https://www2.example.org/, www2.example.org",
    "https://wwwexample.org/, wwwexample.org",
    // without it no public name would be left
    "https://www.co.uk/, www.co.uk"
  })
  void aLeadingWwwIsDroppedSoASiteCountsOnce(String referer, String expected) {
    assertThat(host(referer)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "https://example.co.uk/, example.co.uk",
    "https://shop.example.com.au/, shop.example.com.au",
    "https://example.xn--p1ai/, example.xn--p1ai",
    "https://someone.github.io/, someone.github.io",
    "https://github.io/, github.io",
    "https://a.b.c.example.org/, a.b.c.example.org"
  })
  void namesUnderAPublicSuffixAreKept(String referer, String expected) {
    assertThat(host(referer)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://192.0.2.55/",
        "http://203.0.113.7:8080/x",
        "http://[2001:DB8:0::7]:8443/x",
        "http://[::ffff:203.0.113.7]/",
        "http://[::1]/"
      })
  void ipLiteralsAreOther(String referer) {
    assertThat(host(referer)).isEqualTo("(other)");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://localhost:8080/",
        "http://intranet/wiki",
        "http://printer./",
        "http://nas.local/",
        "http://jira.internal/browse/OPS-1",
        "http://nas.lan/",
        "http://router.home.arpa/",
        "http://55.2.0.192.in-addr.arpa/",
        "http://build.corp/",
        "http://desktop.home/",
        "http://app.localhost/",
        "http://staging.test/",
        "https://evil.example/",
        "http://x.invalid/",
        "http://exampleonionservice.onion/",
        "http://service.alt/",
        "http://shop.zz/",
        "https://co.uk/",
        "https://com/"
      })
  void namesOutsideThePublicSuffixesAreOther(String referer) {
    assertThat(host(referer)).isEqualTo("(other)");
  }

  @Test
  void thisSiteIsInternalEvenWhereItsNameIsNotPublic() {
    assertThat(Referrers.host("http://localhost:8080/track", "localhost:8080"))
        .isEqualTo("(internal)");
    assertThat(Referrers.host("http://192.0.2.10/track", "192.0.2.10")).isEqualTo("(internal)");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://track.example.com/track?numbers=9400111899223197428490",
        "https://TRACK.example.COM:8443/",
        "http://track.example.com./"
      })
  void thisSiteIsInternal(String referer) {
    assertThat(host(referer)).isEqualTo("(internal)");
  }

  @Test
  void theOwnHostMayCarryAPort() {
    assertThat(Referrers.host("https://track.example.com/", "Track.Example.com:8080"))
        .isEqualTo("(internal)");
    assertThat(Referrers.host("http://[2001:db8::1]:8080/", "[2001:db8:0::1]"))
        .isEqualTo("(internal)");
    assertThat(Referrers.host("https://track.example.com/", null)).isEqualTo(OWN);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "example.org",
        "//example.org/",
        "ftp://example.org/",
        "android-app://com.example.mail/",
        "javascript:alert(1)",
        "data:text/html,hi",
        "https://",
        "https:///path",
        "https://exa mple.org/",
        "https://ex_ample.org/",
        "https://-bad.example/",
        "https://bad-.example/",
        "https://a..example/",
        "https://.example/",
        "https://b\u00fccher.example/",
        "https://example.org:port/",
        "https://example.org:123456/",
        "https://user@/",
        "http://999.1.1.1/",
        "http://203.0.113/",
        "http://0x7f.0.0.1/",
        "http://[2001:db8::7/",
        "http://[203.0.113.7]/",
        "http://[fe80::1%25eth0]/",
        "http://2001:db8::7/"
      })
  void anythingButAnHttpUrlWithAValidHostIsInvalid(String referer) {
    assertThat(host(referer)).isEqualTo("(invalid)");
  }

  @Test
  void hostNamesAreLimitedTo253CharactersAndLabelsTo63() {
    String label63 = "a".repeat(63);
    String name253 = String.join(".", label63, label63, label63, "a".repeat(57), "com");
    assertThat(name253).hasSize(253);
    assertThat(host("https://" + name253 + "/")).isEqualTo(name253);
    assertThat(host("https://b" + name253 + "/")).isEqualTo("(invalid)");
    assertThat(host("https://" + "a".repeat(64) + ".example.com/")).isEqualTo("(invalid)");
  }
}
