package org.waypost.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client address that every tier of visitor data is keyed by. A wrong answer lets a client
 * forge its address through a header, or blames a proxy for everyone. Only documentation ranges
 * (RFC 5737, RFC 3849) and loopback appear, apart from the 10.0.0.0/8 proxy network the chain test
 * needs; no address here is ever contacted.
 */
class TrustedProxiesTest {
  private static final String LOOPBACK = "127.0.0.1";
  private static final List<String> NONE = List.of();

  private static TrustedProxies trusting(String... cidrs) {
    return new TrustedProxies(Stream.of(cidrs).map(Cidr::parse).toList(), false);
  }

  private static TrustedProxies behindLoopbackProxy() {
    return trusting("127.0.0.0/8", "::1/128");
  }

  /** Java parses an address literal without a lookup; used here only as the reference. */
  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(literal, e);
    }
  }

  private static String xff(TrustedProxies addresses, String peer, String... values) {
    return IpLiterals.normalized(addresses.resolve(peer, List.of(values), NONE));
  }

  private static String forwarded(TrustedProxies addresses, String peer, String... values) {
    return IpLiterals.normalized(addresses.resolve(peer, NONE, List.of(values)));
  }

  @Nested
  class XForwardedFor {
    @Test
    void anUntrustedPeersHeadersAreIgnored() {
      TrustedProxies addresses = behindLoopbackProxy();
      assertThat(xff(addresses, "198.51.100.9", "203.0.113.7")).isEqualTo("198.51.100.9");
      assertThat(
              addresses.resolve("198.51.100.9", List.of("203.0.113.7"), List.of("for=203.0.113.8")))
          .isEqualTo(ip("198.51.100.9"));
    }

    @Test
    void aTrustedLoopbackPeerIsBelieved() {
      assertThat(xff(behindLoopbackProxy(), LOOPBACK, "203.0.113.7")).isEqualTo("203.0.113.7");
      assertThat(xff(behindLoopbackProxy(), "::1", "203.0.113.7")).isEqualTo("203.0.113.7");
      assertThat(xff(behindLoopbackProxy(), "0:0:0:0:0:0:0:1", "203.0.113.7"))
          .isEqualTo("203.0.113.7");
      // A dual-stack socket reports an IPv4 peer as IPv4-mapped IPv6; it is still loopback.
      assertThat(xff(behindLoopbackProxy(), "::ffff:127.0.0.1", "203.0.113.7"))
          .isEqualTo("203.0.113.7");
    }

    @Test
    void withoutForwardingHeadersTheTrustedPeerIsTheClient() {
      assertThat(behindLoopbackProxy().resolve(LOOPBACK, NONE, NONE)).isEqualTo(ip(LOOPBACK));
      assertThat(xff(behindLoopbackProxy(), LOOPBACK, "", " ")).isEqualTo(LOOPBACK);
    }

    @Test
    void theChainIsWalkedFromTheRightPastTrustedProxies() {
      TrustedProxies addresses = trusting("10.0.0.0/8", "127.0.0.0/8");
      assertThat(xff(addresses, LOOPBACK, "198.51.100.9, 203.0.113.7, 10.0.0.2"))
          .isEqualTo("203.0.113.7");
    }

    @Test
    void aForgedLeftEntryDoesNotWin() {
      // The client sent "X-Forwarded-For: 192.0.2.66"; our proxy appended the real peer.
      assertThat(xff(behindLoopbackProxy(), LOOPBACK, "192.0.2.66, 203.0.113.7"))
          .isEqualTo("203.0.113.7");
    }

    @Test
    void severalHeaderLinesFormOneChain() {
      TrustedProxies addresses = trusting("127.0.0.0/8", "198.51.100.0/24");
      assertThat(xff(addresses, LOOPBACK, "192.0.2.1, 203.0.113.7", "198.51.100.2"))
          .isEqualTo("203.0.113.7");
      assertThat(xff(addresses, LOOPBACK, "203.0.113.7", "198.51.100.2,198.51.100.3"))
          .isEqualTo("203.0.113.7");
    }

    @Test
    void whenEveryHopIsTrustedTheLeftmostIsTheClient() {
      TrustedProxies addresses = trusting("127.0.0.0/8", "203.0.113.0/24");
      assertThat(xff(addresses, LOOPBACK, "203.0.113.5, 203.0.113.6")).isEqualTo("203.0.113.5");
    }

    @Test
    void anUnparseableHopEndsTheWalkAtTheLastGoodAddress() {
      TrustedProxies addresses = trusting("127.0.0.0/8", "198.51.100.0/24");
      assertThat(xff(addresses, LOOPBACK, "192.0.2.1, unknown, 198.51.100.2"))
          .isEqualTo("198.51.100.2");
      assertThat(xff(addresses, LOOPBACK, "192.0.2.1, garbage!")).isEqualTo(LOOPBACK);
      assertThat(xff(addresses, LOOPBACK, "192.0.2.1, 203.0.113")).isEqualTo(LOOPBACK);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.org", "ip6-localhost", "203.0.113.7.nip.io"})
    void aHostNameIsGarbageAndNeverResolved(String name) {
      assertThat(xff(behindLoopbackProxy(), LOOPBACK, "192.0.2.1, " + name)).isEqualTo(LOOPBACK);
      assertThat(IpLiterals.literal(name)).isNull();
    }

    @Test
    void portsAreDropped() {
      assertThat(xff(behindLoopbackProxy(), LOOPBACK, "203.0.113.7:51234"))
          .isEqualTo("203.0.113.7");
      assertThat(xff(behindLoopbackProxy(), LOOPBACK, "[2001:db8::7]:443"))
          .isEqualTo("2001:db8::7");
      assertThat(xff(behindLoopbackProxy(), LOOPBACK, "203.0.113.7:port")).isEqualTo(LOOPBACK);
    }

    @Test
    void ipv6HopsAreReadBareOrBracketed() {
      assertThat(xff(behindLoopbackProxy(), LOOPBACK, "2001:DB8:0:0::7")).isEqualTo("2001:db8::7");
      assertThat(xff(behindLoopbackProxy(), LOOPBACK, "[2001:db8::7]")).isEqualTo("2001:db8::7");
    }

    @Test
    void anIpv4MappedAddressBecomesIpv4() {
      InetAddress client =
          behindLoopbackProxy().resolve(LOOPBACK, List.of("::ffff:203.0.113.7"), NONE);
      assertThat(client).isInstanceOf(Inet4Address.class).isEqualTo(ip("203.0.113.7"));
      assertThat(behindLoopbackProxy().resolve("::ffff:203.0.113.7", NONE, NONE))
          .isInstanceOf(Inet4Address.class);
      assertThat(IpLiterals.literal("::FFFF:cb00:7107")).isEqualTo(ip("203.0.113.7"));
    }

    @Test
    void aZoneIdIsDropped() {
      InetAddress client =
          behindLoopbackProxy().resolve(LOOPBACK, List.of("2001:db8::7%eth0"), NONE);
      assertThat(client).isInstanceOf(Inet6Address.class);
      assertThat(((Inet6Address) client).getScopeId()).isZero();
      assertThat(IpLiterals.normalized(client)).isEqualTo("2001:db8::7");
    }
  }

  @Nested
  class Forwarded {
    @Test
    void aQuotedBracketedIpv6WithPortIsRead() {
      assertThat(forwarded(behindLoopbackProxy(), LOOPBACK, "for=\"[2001:db8::7]:4711\""))
          .isEqualTo("2001:db8::7");
    }

    @Test
    void isPreferredOverXForwardedFor() {
      InetAddress client =
          behindLoopbackProxy()
              .resolve(LOOPBACK, List.of("198.51.100.9"), List.of("for=203.0.113.7"));
      assertThat(client).isEqualTo(ip("203.0.113.7"));
    }

    @Test
    void blankForwardedHeadersFallBackToXForwardedFor() {
      InetAddress client =
          behindLoopbackProxy().resolve(LOOPBACK, List.of("198.51.100.9"), List.of(" "));
      assertThat(client).isEqualTo(ip("198.51.100.9"));
    }

    @Test
    void elementsAreWalkedFromTheRightAndOtherParametersIgnored() {
      String header = "for=192.0.2.60;proto=http;by=203.0.113.43, For=\"198.51.100.17:8080\"";
      assertThat(forwarded(behindLoopbackProxy(), LOOPBACK, header)).isEqualTo("198.51.100.17");
      assertThat(forwarded(trusting("127.0.0.1", "198.51.100.0/24"), LOOPBACK, header))
          .isEqualTo("192.0.2.60");
      assertThat(
              forwarded(
                  trusting("127.0.0.1", "198.51.100.0/24"),
                  LOOPBACK,
                  "for=192.0.2.60",
                  "proto=https; for = 198.51.100.17 ; by=\"[2001:db8::1]\""))
          .isEqualTo("192.0.2.60");
    }

    @Test
    void quotedStringsMayHideSeparatorsAndEscapes() {
      assertThat(forwarded(behindLoopbackProxy(), LOOPBACK, "for=\"\\[2001:db8::7\\]\""))
          .isEqualTo("2001:db8::7");
      assertThat(forwarded(behindLoopbackProxy(), LOOPBACK, "for=203.0.113.7;by=\"a,b;c\""))
          .isEqualTo("203.0.113.7");
    }

    @Test
    void unknownObfuscatedOrMissingForEndsTheWalk() {
      TrustedProxies addresses = trusting("127.0.0.0/8", "198.51.100.0/24");
      assertThat(forwarded(addresses, LOOPBACK, "for=192.0.2.60, for=unknown")).isEqualTo(LOOPBACK);
      assertThat(forwarded(addresses, LOOPBACK, "for=192.0.2.60, for=_hidden, for=198.51.100.3"))
          .isEqualTo("198.51.100.3");
      assertThat(forwarded(addresses, LOOPBACK, "for=192.0.2.60, proto=https")).isEqualTo(LOOPBACK);
      assertThat(forwarded(addresses, LOOPBACK, "for=\"192.0.2.60")).isEqualTo(LOOPBACK);
      assertThat(forwarded(addresses, LOOPBACK, "for=192.0.2.60;for=192.0.2.61"))
          .isEqualTo(LOOPBACK);
    }

    @Test
    void anObfuscatedPortKeepsTheAddress() {
      assertThat(forwarded(behindLoopbackProxy(), LOOPBACK, "for=\"203.0.113.7:_p1\""))
          .isEqualTo("203.0.113.7");
    }

    @Test
    void whenEveryHopIsTrustedTheLeftmostIsTheClient() {
      TrustedProxies addresses = trusting("::1/128", "2001:db8:aaaa::/48");
      assertThat(
              forwarded(addresses, "::1", "for=\"[2001:db8:aaaa::5]\", for=\"[2001:db8:aaaa::6]\""))
          .isEqualTo("2001:db8:aaaa::5");
    }
  }

  @Nested
  class Peer {
    @Test
    void anIpv6PeerIsTheClientWhenUntrusted() {
      assertThat(behindLoopbackProxy().resolve("2001:db8::1", List.of("203.0.113.7"), NONE))
          .isEqualTo(ip("2001:db8::1"));
      assertThat(behindLoopbackProxy().resolve("[2001:db8::1]", NONE, NONE))
          .isEqualTo(ip("2001:db8::1"));
    }

    @Test
    void aTrustedIpv6ProxyIsBelieved() {
      TrustedProxies addresses = trusting("2001:db8:ffff::/48");
      assertThat(xff(addresses, "2001:db8:ffff::2", "2001:db8::7")).isEqualTo("2001:db8::7");
      assertThat(xff(addresses, "2001:db8:fffe::2", "2001:db8::7")).isEqualTo("2001:db8:fffe::2");
    }

    @Test
    void aPeerThatIsNoLiteralIsRefusedWithoutRepeatingIt() {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> behindLoopbackProxy().resolve("localhost", NONE, NONE))
          .withMessageNotContaining("localhost");
      assertThatIllegalArgumentException()
          .isThrownBy(() -> behindLoopbackProxy().resolve(null, NONE, NONE));
    }

    @Test
    void nullHeaderListsMeanNoHeaders() {
      assertThat(behindLoopbackProxy().resolve(LOOPBACK, null, null)).isEqualTo(ip(LOOPBACK));
    }
  }

  @Nested
  class Literals {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "192.0.2.1",
          "0.0.0.0",
          "255.255.255.255",
          "2001:db8::7",
          "2001:DB8:0:0:0:0:0:7",
          "2001:0db8:0000:0000:0000:0000:0000:0001",
          "::",
          "::1",
          "2001:db8::",
          "2001:db8:0:0:1:0:0:1",
          "2001:db8:0:1:1:1:1:1",
          "2001:db8:1:2:3:4:5:6",
          "::192.0.2.1",
          "2001:db8::192.0.2.1",
          "::ffff:203.0.113.7",
          "::ffff:0:203.0.113.7"
        })
    void agreeWithJavasOwnParser(String text) {
      InetAddress expected = ip(text);
      InetAddress parsed = IpLiterals.literal(text);
      assertThat(parsed).isEqualTo(expected);
      assertThat(parsed.getAddress()).isEqualTo(expected.getAddress());
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "",
          " ",
          "unknown",
          "_hidden",
          "203.0.113",
          "203.0.113.7.1",
          "256.0.113.7",
          "203.0.113.07",
          "0x7f.0.0.1",
          "203.0.113.7/24",
          "203.0.113.-7",
          "1:2:3:4:5:6:7:8:9",
          "1:2:3:4:5:6:7",
          "2001:db8::7::1",
          "12345::",
          "2001:db8:::7",
          ":2001:db8::7",
          "2001:db8::7:",
          "2001:db8::g",
          "1:2:3:4:5:6:7::8",
          "::203.0.113",
          "[2001:db8::7",
          "[203.0.113.7]",
          "\u0663.\u0663.\u0663.\u0663",
          "\uff12001:db8::7"
        })
    void anythingElseIsNull(String text) {
      assertThat(IpLiterals.literal(text)).isNull();
    }

    @Test
    void nullIsNoLiteral() {
      assertThat(IpLiterals.literal(null)).isNull();
    }

    @Test
    void bracketsAndZoneIdsAreAccepted() {
      assertThat(IpLiterals.literal("[2001:db8::7]")).isEqualTo(ip("2001:db8::7"));
      assertThat(IpLiterals.literal("2001:db8::7%1")).isEqualTo(ip("2001:db8::7"));
    }

    @Test
    void normalizedIsRfc5952() {
      assertThat(IpLiterals.normalized(ip("2001:0DB8:0000:0000:0000:0000:0000:0001")))
          .isEqualTo("2001:db8::1");
      assertThat(IpLiterals.normalized(ip("2001:db8:0:0:1:0:0:1")))
          .as("the first of two equally long runs is shortened")
          .isEqualTo("2001:db8::1:0:0:1");
      assertThat(IpLiterals.normalized(ip("2001:db8:0:1:1:1:1:1")))
          .as("a single zero group stays")
          .isEqualTo("2001:db8:0:1:1:1:1:1");
      assertThat(IpLiterals.normalized(ip("2001:db8:0:0:1:0:0:0"))).isEqualTo("2001:db8:0:0:1::");
      assertThat(IpLiterals.normalized(ip("::"))).isEqualTo("::");
      assertThat(IpLiterals.normalized(ip("::1"))).isEqualTo("::1");
      assertThat(IpLiterals.normalized(ip("192.0.2.1"))).isEqualTo("192.0.2.1");
    }
  }

  @Nested
  class NetworkPrefix {
    @Test
    void ipv4IsTheSlash24() {
      byte[] a = IpLiterals.networkPrefix(ip("203.0.113.7"));
      byte[] b = IpLiterals.networkPrefix(ip("203.0.113.200"));
      byte[] other = IpLiterals.networkPrefix(ip("203.0.114.1"));
      assertThat(a).isEqualTo(b).isEqualTo(new byte[] {(byte) 203, 0, 113, 0, 24});
      assertThat(a).isNotEqualTo(other);
    }

    @Test
    void ipv6IsTheSlash48() {
      byte[] a = IpLiterals.networkPrefix(ip("2001:db8:1:2::7"));
      byte[] b = IpLiterals.networkPrefix(ip("2001:db8:1:ffff:1:2:3:4"));
      byte[] other = IpLiterals.networkPrefix(ip("2001:db8:2::7"));
      assertThat(a).isEqualTo(b).hasSize(17);
      assertThat(a[16]).isEqualTo((byte) 48);
      assertThat(Arrays.copyOf(a, 16)).isEqualTo(ip("2001:db8:1::").getAddress());
      assertThat(a).isNotEqualTo(other);
    }
  }
}
