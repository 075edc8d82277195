package org.waypost.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The one parser and printer of IP address literals. Every tier of visitor data, every trusted
 * proxy and every referrer check goes through it, so it parses by hand: it runs on every request,
 * must never reach DNS, and throws nothing on the normal path. {@link InetAddress} is built only
 * from bytes ({@link InetAddress#getByAddress(byte[])} does no lookup).
 *
 * <p>Never call {@link InetAddress#getHostName()} or {@link InetAddress#getCanonicalHostName()} on
 * an address: those do a reverse DNS lookup. Use {@link #normalized(InetAddress)}.
 */
public final class IpLiterals {
  private static final int IPV4_PREFIX = 24;
  private static final int IPV6_PREFIX = 48;

  private IpLiterals() {}

  /**
   * An IPv4 or IPv6 literal (IPv6 optionally in brackets, a zone id is dropped, an IPv4-mapped IPv6
   * address becomes IPv4); null for anything else. Never looks anything up.
   */
  public static InetAddress literal(String text) {
    if (text == null) {
      return null;
    }
    int from = skipSpace(text, 0, text.length());
    int to = trimEnd(text, from, text.length());
    byte[] bytes;
    if (from < to && text.charAt(from) == '[') {
      bytes = to - from > 2 && text.charAt(to - 1) == ']' ? ipv6(text, from + 1, to - 1) : null;
    } else {
      bytes = bytes(text, from, to);
    }
    return bytes == null ? null : toInetAddress(bytes);
  }

  /** The bytes of a bare IPv4 or IPv6 literal between {@code from} and {@code to}; null if none. */
  public static byte[] bytes(String s, int from, int to) {
    return indexOf(s, ':', from, to) < 0 ? ipv4(s, from, to) : ipv6(s, from, to);
  }

  /** Four decimal octets, 0 to 255, no leading zeros (which some parsers read as octal). */
  public static byte[] ipv4(String s, int from, int to) {
    byte[] out = new byte[4];
    int octet = 0;
    int value = 0;
    int digits = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (digits > 0 && value == 0) {
          return null;
        }
        value = value * 10 + (c - '0');
        if (value > 255) {
          return null;
        }
        digits++;
      } else if (c == '.' && digits > 0 && octet < 3) {
        out[octet++] = (byte) value;
        value = 0;
        digits = 0;
      } else {
        return null;
      }
    }
    if (digits == 0 || octet != 3) {
      return null;
    }
    out[3] = (byte) value;
    return out;
  }

  /**
   * RFC 4291 text: up to eight groups of 1 to 4 hex digits, at most one {@code ::}, optionally an
   * IPv4 tail; a {@code %zone} suffix is dropped. IPv4-mapped addresses come back as 4 bytes.
   */
  public static byte[] ipv6(String s, int from, int to) {
    int percent = indexOf(s, '%', from, to);
    if (percent >= 0) {
      to = percent;
    }
    if (to - from < 2) {
      return null;
    }
    byte[] out = new byte[16];
    int groups = 0;
    int gap = -1;
    int i = from;
    if (s.charAt(i) == ':') {
      if (s.charAt(i + 1) != ':') {
        return null;
      }
      gap = 0;
      i += 2;
    }
    while (i < to) {
      if (groups == 8) {
        return null;
      }
      int start = i;
      int value = 0;
      while (i < to && i - start < 4 && hex(s.charAt(i)) >= 0) {
        value = value << 4 | hex(s.charAt(i));
        i++;
      }
      if (i == start) {
        return null;
      }
      if (i < to && s.charAt(i) == '.') {
        byte[] tail = groups <= 6 ? ipv4(s, start, to) : null;
        if (tail == null) {
          return null;
        }
        System.arraycopy(tail, 0, out, groups * 2, 4);
        groups += 2;
        break;
      }
      if (i < to && hex(s.charAt(i)) >= 0) {
        return null; // a fifth hex digit
      }
      out[groups * 2] = (byte) (value >> 8);
      out[groups * 2 + 1] = (byte) value;
      groups++;
      if (i == to) {
        break;
      }
      if (s.charAt(i) != ':' || i + 1 == to) {
        return null;
      }
      i++;
      if (s.charAt(i) == ':') {
        if (gap >= 0) {
          return null;
        }
        gap = groups;
        i++;
      }
    }
    if (gap < 0) {
      if (groups != 8) {
        return null;
      }
    } else {
      if (groups == 8) {
        return null;
      }
      int moved = groups - gap;
      System.arraycopy(out, gap * 2, out, 16 - moved * 2, moved * 2);
      Arrays.fill(out, gap * 2, 16 - moved * 2, (byte) 0);
    }
    return isIpv4Mapped(out) ? Arrays.copyOfRange(out, 12, 16) : out;
  }

  /**
   * The client's network, for per-network rate limits and statistics: the address masked to /24
   * (IPv4) or /48 (IPv6), followed by one byte holding that prefix length, so that the bytes (and
   * any keyed hash of them) say which network size they stand for.
   */
  public static byte[] networkPrefix(InetAddress address) {
    return networkPrefix(address, IPV4_PREFIX, IPV6_PREFIX);
  }

  /**
   * {@link #networkPrefix(InetAddress)} at other prefix lengths: the address masked to its first
   * {@code ipv4Bits} (IPv4) or {@code ipv6Bits} (IPv6) bits, followed by one byte holding that
   * length.
   */
  public static byte[] networkPrefix(InetAddress address, int ipv4Bits, int ipv6Bits) {
    if (ipv4Bits < 0 || ipv4Bits > 32 || ipv6Bits < 0 || ipv6Bits > 128) {
      throw new IllegalArgumentException("prefix lengths /" + ipv4Bits + " and /" + ipv6Bits);
    }
    byte[] bytes = canonicalBytes(address);
    int prefix = bytes.length == 4 ? ipv4Bits : ipv6Bits;
    byte[] out = Arrays.copyOf(bytes, bytes.length + 1);
    int kept = prefix / 8;
    if (prefix % 8 != 0) {
      out[kept] &= (byte) (0xFF << (8 - prefix % 8));
      kept++;
    }
    Arrays.fill(out, kept, bytes.length, (byte) 0);
    out[bytes.length] = (byte) prefix;
    return out;
  }

  /**
   * The canonical text of an address: dotted quad for IPv4, RFC 5952 for IPv6 (lower case, no
   * leading zeros, the longest run of zero groups as {@code ::}); no zone id, no host name.
   */
  public static String normalized(InetAddress address) {
    return normalized(canonicalBytes(address));
  }

  /** {@link #normalized(InetAddress)} of address bytes (4 or 16). */
  public static String normalized(byte[] bytes) {
    if (bytes.length == 4) {
      return (bytes[0] & 0xFF)
          + "."
          + (bytes[1] & 0xFF)
          + "."
          + (bytes[2] & 0xFF)
          + "."
          + (bytes[3] & 0xFF);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (bytes[2 * i] & 0xFF) << 8 | (bytes[2 * i + 1] & 0xFF);
    }
    int bestStart = -1;
    int bestLength = 1; // a single zero group is not shortened (RFC 5952 4.2.2)
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int start = i;
      while (i < 8 && groups[i] == 0) {
        i++;
      }
      if (i - start > bestLength) {
        bestStart = start;
        bestLength = i - start;
      }
    }
    StringBuilder text = new StringBuilder(39);
    boolean colon = false;
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        colon = false;
        continue;
      }
      if (colon) {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
      colon = true;
    }
    return text.toString();
  }

  /** An address of 4 or 16 bytes; no lookup. */
  public static InetAddress toInetAddress(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
    }
  }

  /** The first {@code c} in {@code s} between {@code from} and {@code to}; -1 when none. */
  public static int indexOf(String s, char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  static int skipSpace(String s, int from, int to) {
    while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
      from++;
    }
    return from;
  }

  static int trimEnd(String s, int from, int to) {
    while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
      to--;
    }
    return to;
  }

  /** ASCII only: Character.digit would also take other scripts' digits. */
  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static boolean isIpv4Mapped(byte[] bytes) {
    if (bytes.length != 16 || bytes[10] != (byte) 0xFF || bytes[11] != (byte) 0xFF) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static byte[] canonicalBytes(InetAddress address) {
    byte[] bytes = address.getAddress();
    return isIpv4Mapped(bytes) ? Arrays.copyOfRange(bytes, 12, 16) : bytes;
  }
}
