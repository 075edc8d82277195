package org.waypost.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A bearer credential Waypost issues, {@code <prefix><16 hex id>_<43 base64url secret>}: shipper
 * API keys ({@code wpk_}) and operator tokens ({@code wpo_}). The id is public: stored, listed,
 * audited, and used to revoke. The 256-bit random secret is stored only as its SHA-256, which is
 * all a secret of that size needs (a slow KDF protects guessable passwords, not random keys).
 */
public record PrefixedSecret(String prefix, String id, String secret) {
  private static final int ID_LENGTH = 16;
  private static final int SECRET_LENGTH = 43;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A new credential with this prefix. */
  public static PrefixedSecret issue(String prefix) {
    byte[] id = new byte[ID_LENGTH / 2];
    byte[] secret = new byte[32];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(secret);
    return new PrefixedSecret(
        prefix,
        HexFormat.of().formatHex(id),
        Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
  }

  /** The credential {@code presented}, if it has this prefix and the shape issued ones have. */
  public static Optional<PrefixedSecret> parse(String prefix, String presented) {
    int separator = prefix.length() + ID_LENGTH;
    if (presented == null
        || presented.length() != separator + 1 + SECRET_LENGTH
        || !presented.startsWith(prefix)
        || presented.charAt(separator) != '_') {
      return Optional.empty();
    }
    return Optional.of(
        new PrefixedSecret(
            prefix,
            presented.substring(prefix.length(), separator),
            presented.substring(separator + 1)));
  }

  /** What every credential with this id starts with, e.g. to forget cached ones on revocation. */
  public static String idPrefix(String prefix, String id) {
    return prefix + id + "_";
  }

  /** The credential as handed out, once. */
  public String text() {
    return idPrefix(prefix, id) + secret;
  }

  /** What is stored in place of the secret. */
  public byte[] secretHash() {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(secret.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * Whether this credential's secret is the one {@code storedHash} was made from (constant time).
   */
  public boolean matches(byte[] storedHash) {
    return MessageDigest.isEqual(storedHash, secretHash());
  }

  /** Never the secret: a credential may end up in a log line or an exception message. */
  @Override
  public String toString() {
    return "PrefixedSecret[" + prefix + id + "_…]";
  }
}
