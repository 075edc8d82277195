package org.waypost.visitor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The referrer aggregates keep: a host, never a path, query or user name, since those can carry a
 * search term, a token or a tracking number. Reserved example domains (RFC 2606) only.
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
    "https://www.Example.ORG/search?q=9400111899223197428490#top, www.example.org",
    "http://news.example.net:8080/path, news.example.net",
    "https://user:secret@example.org/private, example.org",
    "HTTPS://EXAMPLE.ORG, example.org",
    "https://example.org./, example.org",
    "https://example.org?q=x, example.org",
    "https://example.org#frag, example.org",
    "https://example.org:/x, example.org",
    "https://xn--bcher-kva.example/, xn--bcher-kva.example",
    "http://203.0.113.7:8080/x, 203.0.113.7",
    "http://[2001:DB8:0::7]:8443/x, [2001:db8::7]",
    "http://[::ffff:203.0.113.7]/, 203.0.113.7",
    "'https://evil.example\\@example.org/', evil.example"
  })
  void keepsOnlyTheLowerCaseHost(String referer, String expected) {
    assertThat(host(referer)).isEqualTo(expected);
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
    String name253 = String.join(".", label63, label63, label63, "a".repeat(61));
    assertThat(name253).hasSize(253);
    assertThat(host("https://" + name253 + "/")).isEqualTo(name253);
    assertThat(host("https://" + name253 + "b/")).isEqualTo("(invalid)");
    assertThat(host("https://" + "a".repeat(64) + ".example/")).isEqualTo("(invalid)");
  }
}
