package org.waypost.keys;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.Configuration;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.prf.PrfConfig;
import com.google.crypto.tink.prf.PrfSet;
import java.security.GeneralSecurityException;

/**
 * Registers Tink's AEAD and PRF key types once, before any key is generated or parsed, so no caller
 * has to remember to; every primitive in this package is made here.
 */
final class Tink {
  /** Tink's registry, for every call that takes a configuration. */
  static final Configuration CONFIGURATION;

  static {
    try {
      AeadConfig.register();
      PrfConfig.register();
      CONFIGURATION = RegistryConfiguration.get();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Tink() {}

  static Aead aead(KeysetHandle keyset) throws GeneralSecurityException {
    return keyset.getPrimitive(CONFIGURATION, Aead.class);
  }

  static PrfSet prfSet(KeysetHandle keyset) throws GeneralSecurityException {
    return keyset.getPrimitive(CONFIGURATION, PrfSet.class);
  }

  /** Makes sure registration ran; a no-op after the first call. */
  static void init() {}
}
