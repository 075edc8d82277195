package org.waypost.visitor;

import com.google.common.net.InternetDomainName;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Set;
import org.waypost.net.IpLiterals;

/**
 * Reduces a Referer header to the referring site's host name, the only part aggregates keep, and
 * keeps it only when it names a public site.
 *
 * <p>The full URL can carry a search query, a session token, a tracking number or a user name; the
 * host cannot, once it is checked to be a syntactically valid host name or IP literal. Parsed by
 * hand rather than with {@link java.net.URI}, which throws on much of what browsers and bots send
 * and would accept hosts we do not want to keep.
 *
 * <p>A host that is not a public domain name says something about the visitor rather than about a
 * site that links here: an IP literal ({@code 192.0.2.55}) or an intranet name ({@code jira.corp},
 * {@code nas.local}, {@code router.home.arpa}) points at one organisation's or one household's
 * network, and aggregates are kept for good. Such hosts are counted as {@link #OTHER}. "Public" is
 * decided by the Public Suffix List's ICANN section as Guava carries it ({@link
 * InternetDomainName#isUnderRegistrySuffix}): the host must end in a suffix under which the public
 * registers names ({@code org}, {@code co.uk}, {@code xn--p1ai}) and hold at least one label more
 * ({@code co.uk} alone is nobody's site). Names reserved for special use are never public, even
 * where the list holds them ({@code home.arpa}, {@code onion}): see {@link #SPECIAL_USE}.
 */
public final class Referrers {
  public static final String NONE = "(none)";
  public static final String INTERNAL = "(internal)";
  public static final String INVALID = "(invalid)";

  /** A host not counted by name: not a public domain name, or past the day's limit of names. */
  public static final String OTHER = "(other)";

  private static final int MAX_HOST_LENGTH = 253;

  /**
   * Top-level names reserved for special use (RFC 6761 {@code test}, {@code example}, {@code
   * invalid}, {@code localhost}; RFC 6762 {@code local}; RFC 7686 {@code onion}; RFC 9476 {@code
   * alt}; ICANN's {@code internal} of 2024) and {@code arpa}, the infrastructure domain that holds
   * {@code home.arpa} (RFC 8375) and the reverse-lookup names. The list of public suffixes leaves
   * out most of them already; {@code onion} and parts of {@code arpa} it holds.
   */
  private static final Set<String> SPECIAL_USE =
      Set.of(
          "arpa", "alt", "example", "internal", "invalid", "local", "localhost", "onion", "test");

  private Referrers() {}

  /**
   * The referring host, lower case, without port, user info, path, query, fragment, trailing dot or
   * a leading {@code www.} (so a site counts once, with or without it); {@link #NONE} without a
   * header, {@link #INTERNAL} when it is this site ({@code ownHost}, compared without port and
   * case), {@link #INVALID} when it is not an http(s) URL with a valid host, {@link #OTHER} when
   * the host is an IP literal or not a public domain name.
   *
   * @param ownHost this site's host, e.g. the request's {@code Host} header; may carry a port; may
   *     be null
   */
  public static String host(String refererHeader, String ownHost) {
    if (refererHeader == null || refererHeader.isBlank()) {
      return NONE;
    }
    String referer = refererHeader.strip();
    int authority = authorityStart(referer);
    if (authority < 0) {
      return INVALID;
    }
    int end =
        authority; // browsers read a backslash as '/' in http(s) URLs, so it ends the host too
    while (end < referer.length() && "/?#\\".indexOf(referer.charAt(end)) < 0) {
      end++;
    }
    int at = referer.lastIndexOf('@', end - 1);
    String host = hostOf(referer, Math.max(authority, at + 1), end);
    if (host == null) {
      return INVALID;
    }
    if (ownHost != null) {
      String own = hostOf(ownHost.strip(), 0, ownHost.strip().length());
      if (host.equals(own)) {
        return INTERNAL;
      }
    }
    if (!isPublicName(host)) {
      return OTHER;
    }
    String withoutWww = host.startsWith("www.") ? host.substring(4) : host;
    return isPublicName(withoutWww) ? withoutWww : host;
  }

  /**
   * Whether {@code host} (valid, lower case, as {@link #hostOf} returns it) is a public domain
   * name: no IP literal, no special-use name, under a public registry suffix.
   */
  private static boolean isPublicName(String host) {
    if (host.startsWith("[") || IpLiterals.ipv4(host, 0, host.length()) != null) {
      return false;
    }
    String topLevel = host.substring(host.lastIndexOf('.') + 1);
    if (SPECIAL_USE.contains(topLevel)) {
      return false;
    }
    try {
      return InternetDomainName.from(host).isUnderRegistrySuffix();
    } catch (IllegalArgumentException e) {
      return false; // a name Guava refuses (none that hostOf lets through, as of 33.8)
    }
  }

  /** The index after {@code http://} or {@code https://} (any case), or -1. */
  private static int authorityStart(String url) {
    if (url.regionMatches(true, 0, "http://", 0, 7)) {
      return 7;
    }
    if (url.regionMatches(true, 0, "https://", 0, 8)) {
      return 8;
    }
    return -1;
  }

  /** {@code host[:port]} or {@code [v6][:port]} to a lower-case host, or null when invalid. */
  private static String hostOf(String s, int from, int to) {
    if (from >= to) {
      return null;
    }
    int hostEnd;
    String host;
    if (s.charAt(from) == '[') {
      int close = s.indexOf(']', from);
      if (close < 0 || close >= to) {
        return null;
      }
      // URLs allow no zone id; an IPv4-mapped address is shown as the IPv4 address it is.
      InetAddress address =
          IpLiterals.indexOf(s, '%', from, close) < 0
                  && IpLiterals.indexOf(s, ':', from, close) >= 0
              ? IpLiterals.literal(s.substring(from + 1, close))
              : null;
      if (address == null) {
        return null;
      }
      String text = IpLiterals.normalized(address);
      host = address instanceof Inet4Address ? text : "[" + text + "]";
      hostEnd = close + 1;
    } else {
      int colon = IpLiterals.indexOf(s, ':', from, to);
      hostEnd = colon < 0 ? to : colon;
      host = hostName(s, from, hostEnd);
      if (host == null) {
        return null;
      }
    }
    if (hostEnd < to && !isPort(s, hostEnd, to)) {
      return null;
    }
    return host;
  }

  /** An empty port ({@code host:}) is allowed, as in URLs. */
  private static boolean isPort(String s, int colon, int to) {
    if (s.charAt(colon) != ':' || to - colon - 1 > 5) {
      return false;
    }
    for (int i = colon + 1; i < to; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * An RFC 1123 host name (labels of 1 to 63 letters, digits and hyphens, no hyphen at either end,
   * 253 characters at most, one trailing dot allowed and dropped) or a dotted-quad IPv4 literal. A
   * name whose last label is all digits must be a valid IPv4 literal, as browsers read it so.
   */
  private static String hostName(String s, int from, int to) {
    if (to > from && s.charAt(to - 1) == '.') {
      to--;
    }
    if (to <= from || to - from > MAX_HOST_LENGTH) {
      return null;
    }
    int labelStart = from;
    boolean labelNumeric = true;
    boolean lastLabelNumeric = true;
    for (int i = from; i <= to; i++) {
      char c = i < to ? s.charAt(i) : '.';
      if (c == '.') {
        int length = i - labelStart;
        if (length == 0 || length > 63 || s.charAt(labelStart) == '-' || s.charAt(i - 1) == '-') {
          return null;
        }
        labelStart = i + 1;
        lastLabelNumeric = labelNumeric;
        labelNumeric = true;
      } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-') {
        labelNumeric = false;
      } else if (c < '0' || c > '9') {
        return null;
      }
    }
    if (lastLabelNumeric && IpLiterals.ipv4(s, from, to) == null) {
      return null;
    }
    return s.substring(from, to).toLowerCase(Locale.ROOT);
  }
}
