package org.waypost.net;

import java.net.InetAddress;
import java.util.Arrays;

/** An IPv4 or IPv6 network such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}. */
public record Cidr(byte[] network, int prefixLength) {
  public Cidr {
    network = network.clone();
  }

  /** Parses {@code address/prefix}; a bare address means a single host. */
  public static Cidr parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("an empty network is not a CIDR");
    }
    String trimmed = text.trim();
    int slash = trimmed.indexOf('/');
    String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
    // Only a literal is an address: a name would need DNS, and a shortened IPv4 form such as
    // 198.51.100 would be read the inet_aton way (as 198.51.0.100).
    byte[] bytes =
        address.indexOf('%') >= 0 ? null : IpLiterals.bytes(address, 0, address.length());
    if (bytes == null) {
      throw new IllegalArgumentException("'" + trimmed + "' is not an IP network");
    }
    int bits = bytes.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(trimmed.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + trimmed + "' has no valid prefix length", e);
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException(
            "'" + trimmed + "' has a prefix length outside 0.." + bits);
      }
    }
    return new Cidr(mask(bytes, prefix), prefix);
  }

  public boolean contains(InetAddress address) {
    return contains(address.getAddress());
  }

  /**
   * Whether these address bytes (4 for IPv4, 16 for IPv6) lie in this network: the address masked
   * to the prefix equals the network. Allocates nothing, for callers on every request.
   */
  public boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    for (int i = 0; i < network.length; i++) {
      if ((address[i] & maskByte(prefixLength, i)) != (network[i] & 0xFF)) {
        return false;
      }
    }
    return true;
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (out[i] & maskByte(prefix, i));
    }
    return out;
  }

  /** The bits of byte {@code i} that a prefix of this length keeps, as 0 to 0xFF. */
  private static int maskByte(int prefix, int i) {
    int keep = Math.max(0, Math.min(8, prefix - i * 8));
    return 0xFF << (8 - keep) & 0xFF;
  }

  @Override
  public byte[] network() {
    return network.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr other
        && prefixLength == other.prefixLength
        && Arrays.equals(network, other.network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefixLength;
  }

  @Override
  public String toString() {
    return IpLiterals.normalized(network) + "/" + prefixLength;
  }
}
