package org.waypost.keys;

import com.google.crypto.tink.prf.PrfSet;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;

/** A {@link Tagger} over a Tink PRF: tag = PRF(domain || 0x00 || input), cut to 16 bytes. */
final class PrfTagger implements Tagger {
  static final int TAG_BYTES = 16;

  private final PrfSet prf;

  PrfTagger(PrfSet prf) {
    this.prf = prf;
  }

  @Override
  public byte[] tag(String domain, byte[] input) {
    try {
      return prf.computePrimary(message(domain, input), TAG_BYTES);
    } catch (GeneralSecurityException e) {
      throw new KeyStoreException("cannot compute a tag: " + e.getMessage(), e);
    }
  }

  /** The bytes a tag is computed over; the 0x00 separator keeps (domain, input) pairs apart. */
  static byte[] message(String domain, byte[] input) {
    Objects.requireNonNull(input, "input");
    if (domain == null || domain.isEmpty() || domain.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a tag domain must be non-empty and without NUL");
    }
    byte[] name = domain.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(name.length + 1 + input.length);
    out.writeBytes(name);
    out.write(0);
    out.writeBytes(input);
    return out.toByteArray();
  }
}
