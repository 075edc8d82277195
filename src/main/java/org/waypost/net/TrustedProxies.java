package org.waypost.net;

import static org.waypost.net.IpLiterals.indexOf;
import static org.waypost.net.IpLiterals.skipSpace;
import static org.waypost.net.IpLiterals.trimEnd;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one reader of forwarding headers: who the client is behind trusted reverse proxies, and the
 * scheme and host it used to reach the first of them.
 *
 * <p>Every tier of visitor data is keyed by the client address, so a wrong answer either lets a
 * client forge its address (and dodge rate limits or frame someone else) or blames the proxy for
 * every visitor. Forwarding headers are believed only when the socket peer is a configured proxy,
 * and the chain is read from the right, where our own proxies appended their hops, up to the first
 * address that is not one of them. Only the header the configuration names is read ({@code
 * server.forwardedHeader}): many proxies pass the other one through untouched, so a client could
 * set it to anything.
 *
 * <ul>
 *   <li>{@code X-Forwarded-For} mode: the client from {@code X-Forwarded-For}; the scheme and host
 *       from the last {@code X-Forwarded-Proto} and {@code X-Forwarded-Host} values, which the
 *       proxy nearest to us wrote.
 *   <li>{@code Forwarded} mode (RFC 7239): the client from the {@code for=} parameters; the scheme
 *       and host from the {@code proto=} and {@code host=} of the same element, the one the first
 *       trusted proxy wrote about the request it received.
 * </ul>
 */
public final class TrustedProxies {
  /** Request headers by name: every value in the order received (empty when none). */
  public interface Headers {
    List<String> all(String name);
  }

  /** Where a request came from: the client, and whether a trusted proxy said so. */
  public record Origin(InetAddress client, boolean forwarded) {}

  private static final String X_FORWARDED_FOR = "X-Forwarded-For";
  private static final String FORWARDED = "Forwarded";

  private final Cidr[] trusted;
  private final boolean rfc7239;

  /**
   * @param rfc7239 whether trusted proxies write {@code Forwarded} rather than {@code
   *     X-Forwarded-For}
   */
  public TrustedProxies(List<Cidr> trustedProxies, boolean rfc7239) {
    this.trusted = List.copyOf(trustedProxies).toArray(new Cidr[0]);
    this.rfc7239 = rfc7239;
  }

  /**
   * Where the request came from.
   *
   * @param peer the socket peer, an address literal (IPv6 with or without brackets)
   * @throws IllegalArgumentException when the peer is not an address literal (the message does not
   *     repeat it)
   */
  public Origin origin(String peer, Headers headers) {
    byte[] peerBytes = hop(peer);
    if (!isTrusted(peerBytes)) {
      return new Origin(IpLiterals.toInetAddress(peerBytes), false);
    }
    byte[] client =
        rfc7239
            ? walk(elements(headers.all(FORWARDED)), peerBytes).client
            : walkXForwardedFor(headers.all(X_FORWARDED_FOR), peerBytes);
    // forwarded: a trusted proxy named a client other than itself
    return new Origin(IpLiterals.toInetAddress(client), !Arrays.equals(client, peerBytes));
  }

  /**
   * Whether the client reached the first trusted proxy over TLS, as that proxy says; false when the
   * request was not forwarded by a trusted proxy. The connection's own scheme is the caller's to
   * check.
   */
  public boolean forwardedHttps(String peer, Origin origin, Headers headers) {
    return "https".equalsIgnoreCase(forwardedParameter(peer, origin, headers, Element.PROTO));
  }

  /** The host the client asked the first trusted proxy for; null when no trusted proxy said. */
  public String forwardedHost(String peer, Origin origin, Headers headers) {
    return forwardedParameter(peer, origin, headers, Element.HOST);
  }

  private String forwardedParameter(String peer, Origin origin, Headers headers, int which) {
    if (!origin.forwarded()) {
      return null;
    }
    if (rfc7239) {
      List<Element> elements = elements(headers.all(FORWARDED));
      Walk walk = walk(elements, hop(peer));
      return walk.element < 0 ? null : elements.get(walk.element).parameter(which);
    }
    String name = which == Element.PROTO ? "X-Forwarded-Proto" : "X-Forwarded-Host";
    return lastValue(headers.all(name));
  }

  /**
   * The client's address from explicit header values: {@code xForwardedFor} and {@code forwarded}
   * are every value of each header in the order received (either may be empty or null). This form
   * reads both, {@code Forwarded} first when it carries anything, whatever the mode: it is for
   * callers (and tests) that hold the values already.
   */
  public InetAddress resolve(String peer, List<String> xForwardedFor, List<String> forwarded) {
    byte[] peerBytes = hop(peer);
    if (!isTrusted(peerBytes)) {
      return IpLiterals.toInetAddress(peerBytes);
    }
    byte[] client =
        hasContent(forwarded)
            ? walk(elements(forwarded), peerBytes).client
            : walkXForwardedFor(xForwardedFor == null ? List.of() : xForwardedFor, peerBytes);
    return IpLiterals.toInetAddress(client);
  }

  private static byte[] hop(String peer) {
    byte[] bytes = peer == null ? null : hop(peer, 0, peer.length());
    if (bytes == null) {
      throw new IllegalArgumentException("the socket peer is not an IP address literal");
    }
    return bytes;
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

  /** Where a walk over {@code Forwarded} elements ended: the client, and its element (or -1). */
  private record Walk(byte[] client, int element) {}

  /** Right to left over the elements' {@code for=} values; a missing or bad one ends the walk. */
  private Walk walk(List<Element> elements, byte[] peer) {
    byte[] client = peer;
    int at = -1;
    for (int i = elements.size() - 1; i >= 0; i--) {
      String text = elements.get(i).forValue();
      byte[] hop = text == null ? null : hop(text, 0, text.length());
      if (hop == null) {
        return new Walk(client, at);
      }
      client = hop;
      at = i;
      if (!isTrusted(hop)) {
        break;
      }
    }
    return new Walk(client, at);
  }

  private boolean isTrusted(byte[] address) {
    for (Cidr proxy : trusted) {
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

  /** The last element of the last value of a comma-separated header; null when there is none. */
  private static String lastValue(List<String> values) {
    for (int v = values.size() - 1; v >= 0; v--) {
      String value = values.get(v);
      if (value == null) {
        continue;
      }
      String last = value.substring(value.lastIndexOf(',') + 1).strip();
      if (!last.isEmpty()) {
        return last;
      }
    }
    return null;
  }

  // ---- RFC 7239 Forwarded ----

  /**
   * One forwarded-element's {@code for}, {@code proto} and {@code host}, unquoted. A missing or
   * malformed {@code for} is null, which ends the walk like "unknown" does.
   */
  private record Element(String forValue, String proto, String host) {
    static final int PROTO = 1;
    static final int HOST = 2;

    String parameter(int which) {
      return which == PROTO ? proto : host;
    }
  }

  /** The elements of every value, in order; an empty element gives nothing. */
  private static List<Element> elements(List<String> values) {
    List<Element> elements = new ArrayList<>(4);
    for (String value : values) {
      if (value != null) {
        elements(value, elements);
      }
    }
    return elements;
  }

  private static void elements(String value, List<Element> elements) {
    int n = value.length();
    int i = 0;
    boolean hasPairs = false;
    boolean badFor = false;
    String forValue = null;
    String proto = null;
    String host = null;
    while (true) {
      i = skipSpace(value, i, n);
      int nameStart = i;
      while (i < n && "=;,".indexOf(value.charAt(i)) < 0) {
        i++;
      }
      int nameEnd = trimEnd(value, nameStart, i);
      String name = nameEnd - nameStart <= 5 ? value.substring(nameStart, nameEnd) : "";
      boolean isFor = name.equalsIgnoreCase("for");
      if (nameEnd > nameStart) {
        hasPairs = true;
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
          badFor |= forValue != null || parameter == null;
          forValue = parameter;
        } else if (name.equalsIgnoreCase("proto")) {
          proto = parameter;
        } else if (name.equalsIgnoreCase("host")) {
          host = parameter;
        }
      } else if (isFor) {
        badFor = true;
      }
      if (i >= n || value.charAt(i) == ',') {
        if (hasPairs) {
          elements.add(new Element(badFor ? null : forValue, proto, host));
        }
        if (i >= n) {
          return;
        }
        hasPairs = false;
        badFor = false;
        forValue = null;
        proto = null;
        host = null;
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

  // ---- hops ----

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
      return IpLiterals.ipv6(s, from + 1, close);
    }
    int firstColon = indexOf(s, ':', from, to);
    if (firstColon < 0) {
      return IpLiterals.ipv4(s, from, to);
    }
    if (indexOf(s, ':', firstColon + 1, to) < 0) {
      return isPort(s, firstColon, to) ? IpLiterals.ipv4(s, from, firstColon) : null;
    }
    return IpLiterals.ipv6(s, from, to);
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
}
