package org.waypost.notify;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import org.waypost.net.Cidr;

/**
 * Which URLs a webhook may call. A shipper chooses the URL and the server makes the request, so
 * without a check a shipper could make Waypost call into its own network (SSRF): the metadata
 * service at 169.254.169.254, an admin port on localhost, a database on 10.x. So: https only, and
 * the host's every address must be public. The check runs at registration and again before each
 * delivery (a name may resolve elsewhere later). {@code notifications.allowPrivateWebhooks} lifts
 * both rules, for tests and the demo.
 */
public final class WebhookTargets {
  /** Why a URL was refused; the message is shown to the shipper. */
  public static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** Ranges that are not the public internet, beyond what InetAddress classifies itself. */
  private static final List<Cidr> NOT_PUBLIC =
      List.of(
              "0.0.0.0/8",
              "100.64.0.0/10", // carrier-grade NAT
              "192.0.0.0/24",
              "192.0.2.0/24",
              "198.18.0.0/15",
              "198.51.100.0/24",
              "203.0.113.0/24",
              "240.0.0.0/4",
              "64:ff9b::/96", // NAT64 reaches IPv4 through it
              "100::/64",
              "2001:db8::/32",
              "fc00::/7")
          .stream()
          .map(Cidr::parse)
          .toList();

  private final boolean allowPrivate;

  public WebhookTargets(boolean allowPrivate) {
    this.allowPrivate = allowPrivate;
  }

  /**
   * The URL as a URI when a webhook may call it.
   *
   * @throws Refused saying why not
   */
  public URI check(String url) throws Refused {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new Refused("url is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new Refused("url must be an absolute https URL with a host and no user name");
    }
    if (uri.getRawFragment() != null) {
      throw new Refused("url must not have a fragment");
    }
    if (!scheme.equals("https") && !(allowPrivate && scheme.equals("http"))) {
      throw new Refused("url must use https");
    }
    if (!allowPrivate) {
      checkAddresses(uri.getHost());
    }
    return uri;
  }

  private static void checkAddresses(String host) throws Refused {
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException | SecurityException e) {
      throw new Refused("url's host does not resolve");
    }
    for (InetAddress address : addresses) {
      if (!isPublic(address)) {
        throw new Refused(
            "url's host resolves to a private, loopback, link-local or reserved address;"
                + " webhooks go to public addresses only");
      }
    }
  }

  /** Whether {@code address} is on the public internet. */
  static boolean isPublic(InetAddress address) {
    if (address.isAnyLocalAddress()
        || address.isLoopbackAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isMulticastAddress()) {
      return false;
    }
    if (address instanceof Inet6Address six && embeddedIpv4(six) instanceof InetAddress four) {
      return isPublic(four);
    }
    if (address instanceof Inet4Address && address.getAddress()[0] == (byte) 255) {
      return false;
    }
    return NOT_PUBLIC.stream().noneMatch(range -> range.contains(address));
  }

  /** The IPv4 address inside an IPv4-compatible or 6to4 IPv6 address, or null. */
  private static InetAddress embeddedIpv4(Inet6Address address) {
    byte[] b = address.getAddress();
    try {
      boolean compatible = true;
      for (int i = 0; i < 12; i++) {
        compatible &= b[i] == 0;
      }
      if (compatible) {
        return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
      }
      if (b[0] == 0x20 && b[1] == 0x02) { // 6to4: 2002:AABB:CCDD::/48
        return InetAddress.getByAddress(new byte[] {b[2], b[3], b[4], b[5]});
      }
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    return null;
  }
}
