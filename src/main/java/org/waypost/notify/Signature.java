package org.waypost.notify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code Waypost-Signature} header, in Stripe's scheme so receivers can verify it with code
 * they already have: {@code t=<unix seconds>,v1=<lowercase hex HMAC-SHA256(secret, "<t>.<raw
 * body>")>}. The HMAC key is the secret exactly as shown at registration ({@code whsec_...}), as
 * UTF-8 bytes. The time inside the signed text lets a receiver refuse old replays.
 */
public final class Signature {
  public static final String HEADER = "Waypost-Signature";

  private Signature() {}

  public static String header(String secret, long unixSeconds, byte[] body) {
    return "t=" + unixSeconds + ",v1=" + hmac(secret, unixSeconds, body);
  }

  static String hmac(String secret, long unixSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is missing from this JDK", e);
    }
  }
}
