package org.waypost.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.HexFormat;

/**
 * Where a {@link KeyStore} reports the key files it creates and destroys, so that several nodes can
 * check that they share one key folder (the database keeps the record; see docs/privacy-model.md).
 * What is reported is a <em>fingerprint</em>: the SHA-256 of the file as stored, which is
 * ciphertext under the master key. It tells two files apart and nothing about the keys inside; the
 * keys themselves never leave the folder.
 */
public interface KeyLedger {
  /** A ledger that records nothing: one node, or a command that opens only the folder. */
  KeyLedger NONE =
      new KeyLedger() {
        @Override
        public void created(String kind, LocalDate day, String fingerprint) {}

        @Override
        public void destroyed(String kind, LocalDate day, String fingerprint) {}
      };

  /**
   * A key file was created in the folder.
   *
   * @throws KeyStoreException when another file of that kind and day was recorded first: this node
   *     and another do not share their key folder
   */
  void created(String kind, LocalDate day, String fingerprint);

  /** A key file was destroyed; {@code fingerprint} is empty when the file could not be read. */
  void destroyed(String kind, LocalDate day, String fingerprint);

  /** The fingerprint of a key file's stored (encrypted) bytes: lowercase hex SHA-256. */
  static String fingerprint(byte[] storedFile) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update("waypost-key-file:".getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha256.digest(storedFile));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
