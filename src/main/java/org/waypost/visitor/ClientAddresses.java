package org.waypost.visitor;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.waypost.config.Cidr;

/**
 * Finds the client's address behind trusted reverse proxies.
 *
 * <p>Every tier of visitor data is keyed by this address, so a wrong answer either lets a client
 * forge its address (and dodge rate limits or frame someone else) or blames the proxy for every
 * visitor. Forwarding headers are believed only when the socket peer is a configured proxy, and the
 * chain is read from the right, where our own proxies appended their hops, up to the first address
 * that is not one of them. Literals are parsed by hand: this runs on every request, must never
 * reach DNS, and should throw nothing on the normal path; {@link InetAddress} is built only from
 * bytes ({@link InetAddress#getByAddress(byte[])} does no lookup).
 *
 * <p>Never call {@link InetAddress#getHostName()} or {@link InetAddress#getCanonicalHostName()} on
 * the result: those do a reverse DNS lookup. Use {@link #normalized(InetAddress)}.
 */
public final class ClientAddresses {
  private static final int IPV4_PREFIX = 24;
  private static final int IPV6_PREFIX = 48;

  private final Cidr[] trustedProxies;

  public ClientAddresses(List<Cidr> trustedProxies) {
    this.trustedProxies = List.copyOf(trustedProxies).toArray(new Cidr[0]);
  }

  /**
   * The client's address.
   *
   * @param remoteAddr the socket peer, an address literal (IPv6 with or without brackets)
   * @param xForwardedFor every {@code X-Forwarded-For} value in the order received; may be empty
   * @param forwarded every {@code Forwarded} (RFC 7239) value in the order received; may be empty.
   *     When it carries anything it is used instead of {@code X-Forwarded-For}
   * @throws IllegalArgumentException when the peer is not an address literal (the message does not
   *     repeat it)
   */
  public InetAddress resolve(
      String remoteAddr, List<String> xForwardedFor, List<String> forwarded) {
    byte[] peer = remoteAddr == null ? null : hop(remoteAddr, 0, remoteAddr.length());
    if (peer == null) {
      throw new IllegalArgumentException("the socket peer is not an IP address literal");
    }
    if (!isTrusted(peer)) {
      return toInetAddress(peer);
    }
    byte[] client =
        hasContent(forwarded)
            ? walk(forwardedFor(forwarded), peer)
            : walkXForwardedFor(xForwardedFor == null ? List.of() : xForwardedFor, peer);
    return toInetAddress(client);
  }

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
      bytes = indexOf(text, ':', from, to) < 0 ? ipv4(text, from, to) : ipv6(text, from, to);
    }
    return bytes == null ? null : toInetAddress(bytes);
  }

  /**
   * The client's network, for per-network rate limits and statistics: the address masked to /24
   * (IPv4) or /48 (IPv6), followed by one byte holding that prefix length, so that the bytes (and
   * any keyed hash of them) say which network size they stand for.
   */
  public static byte[] networkPrefix(InetAddress address) {
    byte[] bytes = canonicalBytes(address);
    int prefix = bytes.length == 4 ? IPV4_PREFIX : IPV6_PREFIX;
    byte[] out = Arrays.copyOf(bytes, bytes.length + 1);
    Arrays.fill(out, prefix / 8, bytes.length, (byte) 0);
    out[bytes.length] = (byte) prefix;
    return out;
  }

  /**
   * The canonical text of an address: dotted quad for IPv4, RFC 5952 for IPv6 (lower case, no
   * leading zeros, the longest run of zero groups as {@code ::}); no zone id, no host name.
   */
  public static String normalized(InetAddress address) {
    byte[] bytes = canonicalBytes(address);
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

  // ---- the walk ----

  /** Right to left over the comma-separated hops of every value, last value first. */
  private byte[] walkXForwardedFor(List<String> values, byte[] peer) {
    byte[] client = peer;
    for (int v = values.size() - 1; v >= 0; v--) {
      String value = values.get(v);
      if (value == null) {
        continue;
      }
      int end = value.length();
      while (true) {
        int comma = value.lastIndexOf(',', end - 1);
        int from = skipSpace(value, comma + 1, end);
        int to = trimEnd(value, from, end);
        if (from < to) { // empty list elements ("a, , b") are allowed and mean nothing
          byte[] hop = hop(value, from, to);
          if (hop == null) {
            return client;
          }
          client = hop;
          if (!isTrusted(hop)) {
            return hop;
          }
        }
        if (comma < 0) {
          break;
        }
        end = comma;
      }
    }
    return client;
  }

  /** Right to left over {@code for=} values; null stands for an element without one. */
  private byte[] walk(List<String> hops, byte[] peer) {
    byte[] client = peer;
    for (int i = hops.size() - 1; i >= 0; i--) {
      String text = hops.get(i);
      byte[] hop = text == null ? null : hop(text, 0, text.length());
      if (hop == null) {
        return client;
      }
      client = hop;
      if (!isTrusted(hop)) {
        return hop;
      }
    }
    return client;
  }

  private boolean isTrusted(byte[] address) {
    for (Cidr proxy : trustedProxies) {
      if (proxy.contains(address)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasContent(List<String> values) {
    if (values == null) {
      return false;
    }
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return true;
      }
    }
    return false;
  }

  // ---- RFC 7239 Forwarded ----

  /**
   * The {@code for=} value of each forwarded-element, in order, unquoted. An element with pairs but
   * no (or a malformed) {@code for} gives null, which ends the walk like "unknown" does; an empty
   * element gives nothing.
   */
  private static List<String> forwardedFor(List<String> values) {
    List<String> hops = new ArrayList<>(4);
    for (String value : values) {
      if (value != null) {
        forwardedFor(value, hops);
      }
    }
    return hops;
  }

  private static void forwardedFor(String value, List<String> hops) {
    int n = value.length();
    int i = 0;
    boolean elementHasPairs = false;
    boolean malformed = false;
    String forValue = null;
    while (true) {
      i = skipSpace(value, i, n);
      int nameStart = i;
      while (i < n && "=;,".indexOf(value.charAt(i)) < 0) {
        i++;
      }
      int nameEnd = trimEnd(value, nameStart, i);
      boolean isFor = nameEnd - nameStart == 3 && value.regionMatches(true, nameStart, "for", 0, 3);
      if (nameEnd > nameStart) {
        elementHasPairs = true;
      }
      if (i < n && value.charAt(i) == '=') {
        i = skipSpace(value, i + 1, n);
        String parameter;
        if (i < n && value.charAt(i) == '"') {
          int start = ++i;
          boolean escaped = false;
          while (i < n && value.charAt(i) != '"') {
            if (value.charAt(i) == '\\') {
              escaped = true;
              i++;
            }
            i++;
          }
          boolean closed = i < n;
          parameter =
              !closed ? null : escaped ? unescape(value, start, i) : value.substring(start, i);
          i = closed ? i + 1 : n;
          // Anything between the closing quote and the next separator is malformed.
          int after = skipSpace(value, i, n);
          if (after < n && value.charAt(after) != ';' && value.charAt(after) != ',') {
            parameter = null;
          }
          while (i < n && value.charAt(i) != ';' && value.charAt(i) != ',') {
            i++;
          }
        } else {
          int valueStart = i;
          while (i < n && value.charAt(i) != ';' && value.charAt(i) != ',') {
            i++;
          }
          parameter = value.substring(valueStart, trimEnd(value, valueStart, i));
        }
        if (isFor) {
          malformed |= forValue != null || parameter == null;
          forValue = parameter;
        }
      } else if (isFor) {
        malformed = true;
      }
      if (i >= n || value.charAt(i) == ',') {
        if (elementHasPairs) {
          hops.add(malformed ? null : forValue);
        }
        if (i >= n) {
          return;
        }
        elementHasPairs = false;
        malformed = false;
        forValue = null;
      }
      i++; // past ';' or ','
    }
  }

  private static String unescape(String s, int from, int to) {
    StringBuilder out = new StringBuilder(to - from);
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < to) {
        c = s.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }

  // ---- literals ----

  /**
   * One hop: {@code v4}, {@code v4:port}, {@code v6} (optionally with a zone id), {@code [v6]} or
   * {@code [v6]:port}; null for anything else ("unknown", "_hidden", host names, garbage).
   */
  private static byte[] hop(String s, int from, int to) {
    from = skipSpace(s, from, to);
    to = trimEnd(s, from, to);
    if (from >= to) {
      return null;
    }
    if (s.charAt(from) == '[') {
      int close = indexOf(s, ']', from, to);
      if (close < 0 || (close + 1 < to && !isPort(s, close + 1, to))) {
        return null;
      }
      return ipv6(s, from + 1, close);
    }
    int firstColon = indexOf(s, ':', from, to);
    if (firstColon < 0) {
      return ipv4(s, from, to);
    }
    if (indexOf(s, ':', firstColon + 1, to) < 0) {
      return isPort(s, firstColon, to) ? ipv4(s, from, firstColon) : null;
    }
    return ipv6(s, from, to);
  }

  /** {@code :} followed by 1 to 5 digits, or by an RFC 7239 obfuscated port ({@code _abc}). */
  private static boolean isPort(String s, int colon, int to) {
    if (s.charAt(colon) != ':' || colon + 1 >= to) {
      return false;
    }
    if (s.charAt(colon + 1) == '_') {
      for (int i = colon + 2; i < to; i++) {
        char c = s.charAt(i);
        if (!(Character.isLetterOrDigit(c) && c < 128) && c != '.' && c != '_' && c != '-') {
          return false;
        }
      }
      return colon + 2 < to;
    }
    if (to - colon - 1 > 5) {
      return false;
    }
    for (int i = colon + 1; i < to; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Four decimal octets, 0 to 255, no leading zeros (which some parsers read as octal). */
  static byte[] ipv4(String s, int from, int to) {
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
  static byte[] ipv6(String s, int from, int to) {
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

  private static InetAddress toInetAddress(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
    }
  }

  /** The first {@code c} in {@code s} between {@code from} and {@code to}; -1 when none. */
  static int indexOf(String s, char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  private static int skipSpace(String s, int from, int to) {
    while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
      from++;
    }
    return from;
  }

  private static int trimEnd(String s, int from, int to) {
    while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
      to--;
    }
    return to;
  }
}
