package org.waypost.keys;

/**
 * The key store cannot do its job: no master key, an unreadable or altered key file, a ciphertext
 * that does not open. Messages name the file or setting to fix and never carry key material.
 */
public final class KeyStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public KeyStoreException(String message) {
    super(message);
  }

  public KeyStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
