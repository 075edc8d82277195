package org.waypost.keys;

import com.google.crypto.tink.Aead;
import java.security.GeneralSecurityException;
import java.time.LocalDate;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One day's keys: AEAD for sealing client addresses, PRF for tags. Everything sealed or tagged
 * under them becomes unreadable and unlinkable together when the day is destroyed; {@link #open}
 * checks the key store first, so a copy cached in this or another process cannot outlive it.
 */
public final class DayKeys {
  private static final byte[] NO_DATA = new byte[0];

  private final LocalDate day;
  private final Aead aead;
  private final Tagger tagger;
  private final BooleanSupplier stillKept;

  /** {@code stillKept} asks the key store whether the day's file is still there. */
  DayKeys(LocalDate day, Aead aead, Tagger tagger, BooleanSupplier stillKept) {
    this.day = day;
    this.aead = aead;
    this.tagger = tagger;
    this.stillKept = stillKept;
  }

  public LocalDate day() {
    return day;
  }

  /**
   * Encrypts and authenticates {@code plaintext}, binding it to {@code associatedData} (e.g. the
   * row it belongs to), which must be given again to open it.
   */
  public byte[] seal(byte[] plaintext, byte[] associatedData) {
    Objects.requireNonNull(plaintext, "plaintext");
    try {
      return aead.encrypt(plaintext, associatedData == null ? NO_DATA : associatedData);
    } catch (GeneralSecurityException e) {
      throw new KeyStoreException("cannot seal under the keys of " + day, e);
    }
  }

  /**
   * The plaintext of a value sealed under this day's key with the same associated data.
   *
   * @throws DayKeyDestroyedException when the day's keys have been destroyed meanwhile, by this
   *     process or another
   * @throws KeyStoreException when the value was altered, sealed under another day's key, or sealed
   *     with other associated data
   */
  public byte[] open(byte[] ciphertext, byte[] associatedData) {
    Objects.requireNonNull(ciphertext, "ciphertext");
    if (!stillKept.getAsBoolean()) {
      throw new DayKeyDestroyedException(day);
    }
    try {
      return aead.decrypt(ciphertext, associatedData == null ? NO_DATA : associatedData);
    } catch (GeneralSecurityException e) {
      throw new KeyStoreException(
          "cannot open a value under the keys of "
              + day
              + ": it was altered, sealed on another day, or sealed with other associated data");
    }
  }

  /**
   * A 16-byte PRF tag over ({@code domain}, 0x00, {@code input}): the same all day, unrelated to
   * any other day's or domain's tag of the same input.
   */
  public byte[] tag(String domain, byte[] input) {
    return tagger.tag(domain, input);
  }

  @Override
  public String toString() {
    return "DayKeys[" + day + "]";
  }
}
