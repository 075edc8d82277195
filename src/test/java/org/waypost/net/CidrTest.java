package org.waypost.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Trusted-proxy networks: a wrong answer here lets any client forge its IP address through {@code
 * X-Forwarded-For}, or blames the proxy's address for every visitor. Only documentation ranges (RFC
 * 5737, RFC 3849) appear below.
 */
class CidrTest {

  /** An address literal; InetAddress does no lookup for a literal. */
  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(literal + " is not an address literal", e);
    }
  }

  @Nested
  class Ipv4 {
    private final Cidr testNet1 = Cidr.parse("192.0.2.0/24");

    @Test
    void containsEveryAddressOfTheNetwork() {
      assertThat(testNet1.contains(ip("192.0.2.0"))).isTrue();
      assertThat(testNet1.contains(ip("192.0.2.1"))).isTrue();
      assertThat(testNet1.contains(ip("192.0.2.255"))).isTrue();
    }

    @Test
    void containsNoAddressOutsideIt() {
      assertThat(testNet1.contains(ip("192.0.3.1"))).isFalse();
      assertThat(testNet1.contains(ip("198.51.100.1"))).isFalse();
      assertThat(testNet1.contains(ip("203.0.113.2"))).isFalse();
    }

    @Test
    void splitsAtAPrefixInsideAByte() {
      Cidr upperHalf = Cidr.parse("198.51.100.128/25");

      assertThat(upperHalf.contains(ip("198.51.100.128"))).isTrue();
      assertThat(upperHalf.contains(ip("198.51.100.200"))).isTrue();
      assertThat(upperHalf.contains(ip("198.51.100.127"))).isFalse();
    }

    @Test
    void ignoresHostBitsInTheNetworkAddress() {
      Cidr written = Cidr.parse("203.0.113.77/24");

      assertThat(written).isEqualTo(Cidr.parse("203.0.113.0/24"));
      assertThat(written.contains(ip("203.0.113.1"))).isTrue();
      assertThat(written.toString()).isEqualTo("203.0.113.0/24");
    }

    @Test
    void aBareAddressIsOneHost() {
      Cidr host = Cidr.parse("198.51.100.7");

      assertThat(host.prefixLength()).isEqualTo(32);
      assertThat(host.contains(ip("198.51.100.7"))).isTrue();
      assertThat(host.contains(ip("198.51.100.6"))).isFalse();
      assertThat(host.contains(ip("198.51.100.8"))).isFalse();
    }

    @Test
    void prefixZeroContainsEveryIpv4AddressButNoIpv6One() {
      Cidr everything = Cidr.parse("0.0.0.0/0");

      assertThat(everything.contains(ip("203.0.113.9"))).isTrue();
      assertThat(everything.contains(ip("2001:db8::1"))).isFalse();
    }

    @Test
    void containsNoIpv6Address() {
      assertThat(testNet1.contains(ip("2001:db8::c000:201"))).isFalse();
    }

    @Test
    void toleratesSurroundingSpaces() {
      assertThat(Cidr.parse(" 192.0.2.0/24 ")).isEqualTo(testNet1);
    }
  }

  @Nested
  class Ipv6 {
    private final Cidr documentation = Cidr.parse("2001:db8::/32");

    @Test
    void containsEveryAddressOfTheNetwork() {
      assertThat(documentation.contains(ip("2001:db8::1"))).isTrue();
      assertThat(documentation.contains(ip("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"))).isTrue();
    }

    @Test
    void containsNoAddressOutsideIt() {
      assertThat(documentation.contains(ip("2001:db9::1"))).isFalse();
      assertThat(documentation.contains(ip("2001:db7:ffff::1"))).isFalse();
    }

    @Test
    void splitsAtAPrefixInsideAGroup() {
      Cidr slash36 = Cidr.parse("2001:db8:1000::/36");

      assertThat(slash36.contains(ip("2001:db8:1fff::1"))).isTrue();
      assertThat(slash36.contains(ip("2001:db8:2000::1"))).isFalse();
    }

    @Test
    void aBareAddressIsOneHost() {
      Cidr host = Cidr.parse("2001:db8::7");

      assertThat(host.prefixLength()).isEqualTo(128);
      assertThat(host.contains(ip("2001:db8::7"))).isTrue();
      assertThat(host.contains(ip("2001:db8::8"))).isFalse();
    }

    @Test
    void containsNoIpv4Address() {
      assertThat(Cidr.parse("::/0").contains(ip("192.0.2.1"))).isFalse();
    }

    @Test
    void acceptsUpperCaseHexDigits() {
      assertThat(Cidr.parse("2001:DB8::/32")).isEqualTo(documentation);
    }
  }

  @Nested
  class Refused {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "192.0.2.0/33",
          "192.0.2.0/-1",
          "192.0.2.0/",
          "192.0.2.0/abc",
          "192.0.2.0/24/8",
          "192.0.2.0/ 24",
          "2001:db8::/129",
          "2001:db8::/"
        })
    void aBadPrefixLength(String text) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> Cidr.parse(text))
          .withMessageContaining(text.strip());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  ", "/24"})
    void nothing(String text) {
      assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse(text));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "192.0.2.256",
          "192.0.2.1.5",
          "2001:db8:::1",
          "2001:db8::g",
          "[2001:db8::1]/32",
          "192.0.2.0-192.0.2.255"
        })
    void aMalformedAddress(String text) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> Cidr.parse(text))
          .withMessageContaining(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "localhost/8", "proxy.example.net/24", "router.local"})
    void aHostName(String text) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> Cidr.parse(text))
          .withMessageContaining("is not an IP network");
    }

    /**
     * A shortened IPv4 address is ambiguous: {@code 198.51.100/24} reads as the network
     * 198.51.100.0/24 to a person, but as the address 198.51.0.100 to inet_aton, which would trust
     * 198.51.0.0/24 instead.
     */
    @ParameterizedTest
    @ValueSource(strings = {"198.51.100/24", "203.0.113", "192.0.2/24"})
    void aShortenedIpv4Address(String text) {
      assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse(text));
    }

    /**
     * Names made only of hex letters, digits and dots ({@code bad.cafe}, {@code cafe}, {@code
     * 192.0.2.256}) look like address literals to a character check. Parsing must refuse them
     * without a lookup, or the trusted networks would follow whatever DNS answers at start-up. A
     * child JVM reads names from a hosts file that resolves them, so that a lookup shows up as an
     * accepted network.
     */
    @Test
    void aHostNameMadeOfHexLettersWithoutLookingItUp(@TempDir Path dir) throws Exception {
      Path hosts = dir.resolve("hosts");
      Files.writeString(hosts, "192.0.2.7 bad.cafe cafe dead.beef 192.0.2.256 192.0.2.1.5\n");

      List<String> answers =
          parseInChildJvm(hosts, "bad.cafe", "cafe", "dead.beef/24", "192.0.2.256", "192.0.2.1.5");

      assertThat(answers)
          .containsExactly(
              "bad.cafe refused",
              "cafe refused",
              "dead.beef/24 refused",
              "192.0.2.256 refused",
              "192.0.2.1.5 refused");
    }
  }

  private static List<String> parseInChildJvm(Path hostsFile, String... texts)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Djdk.net.hosts.file=" + hostsFile);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ParseInChildJvm.class.getName());
    command.addAll(List.of(texts));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
    assertThat(process.exitValue()).as("child JVM exit; output:%n%s", output).isZero();
    return output.lines().toList();
  }

  @Nested
  class AddressBytes {
    @Test
    void matchTheLeadingBitsAtEveryPrefixLength() {
      List<String> candidates =
          List.of(
              "192.0.2.0", "192.0.2.1", "192.0.2.255", "192.0.3.1", "198.51.100.200", "0.0.0.0");
      for (int prefix = 0; prefix <= 32; prefix++) {
        Cidr net = Cidr.parse("192.0.2.130/" + prefix);
        for (String candidate : candidates) {
          assertThat(net.contains(ip(candidate).getAddress()))
              .as("%s in %s", candidate, net)
              .isEqualTo(sameLeadingBits(ip(candidate).getAddress(), net));
        }
      }
      for (int prefix = 0; prefix <= 128; prefix += 7) {
        Cidr net = Cidr.parse("2001:db8:abcd::8000/" + prefix);
        for (String candidate :
            List.of("2001:db8:abcd::1", "2001:db8:abce::", "2001:db9::", "::")) {
          assertThat(net.contains(ip(candidate).getAddress()))
              .as("%s in %s", candidate, net)
              .isEqualTo(sameLeadingBits(ip(candidate).getAddress(), net));
        }
      }
    }

    /** The reference answer, worked out on numbers rather than bytes. */
    private static boolean sameLeadingBits(byte[] address, Cidr net) {
      int shift = address.length * 8 - net.prefixLength();
      return new BigInteger(1, address)
          .shiftRight(shift)
          .equals(new BigInteger(1, net.network()).shiftRight(shift));
    }

    @Test
    void containNothingOfTheOtherFamily() {
      assertThat(Cidr.parse("0.0.0.0/0").contains(new byte[16])).isFalse();
      assertThat(Cidr.parse("::/0").contains(new byte[4])).isFalse();
      assertThat(Cidr.parse("0.0.0.0/0").contains(new byte[4])).isTrue();
    }
  }

  /** Prints, for each argument, the parsed network or "refused". */
  public static final class ParseInChildJvm {
    private ParseInChildJvm() {}

    public static void main(String[] args) {
      for (String text : args) {
        String answer;
        try {
          answer = Cidr.parse(text).toString();
        } catch (IllegalArgumentException e) {
          answer = "refused";
        }
        System.out.println(text + " " + answer);
      }
    }
  }
}
