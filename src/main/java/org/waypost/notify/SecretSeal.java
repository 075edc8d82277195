package org.waypost.notify;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;
import org.waypost.db.Database;
import org.waypost.keys.MasterKey;

/**
 * Seals secrets that Waypost must read back (a webhook's signing secret: a hash would not sign).
 *
 * <p>Why a keyset in the database under the master key, rather than the master key itself: the
 * master key only ever wraps keysets, and every node that shares the database and the master key
 * opens the same keyset, so any node can sign any endpoint's deliveries. A database backup alone
 * opens nothing. Each sealed value is bound to its purpose and its row ({@code context}), so a
 * sealed secret copied to another row does not open.
 */
public final class SecretSeal {
  private final Database database;
  private final Supplier<MasterKey> master;
  private final Clock clock;
  private final String purpose;
  private volatile Aead aead;

  public SecretSeal(Database database, Supplier<MasterKey> master, Clock clock, String purpose) {
    this.database = database;
    this.master = master;
    this.clock = clock;
    this.purpose = purpose;
  }

  /**
   * Opens the purpose's keyset, creating it on first use. Call it before sealing inside a
   * transaction: creating the keyset takes a transaction of its own, which SQLite would make wait
   * for the one already open.
   */
  public void ready() {
    try {
      aead();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot open the " + purpose + " sealing key", e);
    }
  }

  /** {@code secret} sealed for {@code context}, as base64 text. */
  public String seal(String secret, String context) {
    try {
      return Base64.getEncoder()
          .encodeToString(
              aead().encrypt(secret.getBytes(StandardCharsets.UTF_8), associatedData(context)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot seal a " + purpose + " secret", e);
    }
  }

  /** The secret {@link #seal} sealed for {@code context}. */
  public String open(String sealed, String context) {
    try {
      return new String(
          aead().decrypt(Base64.getDecoder().decode(sealed), associatedData(context)),
          StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "a sealed " + purpose + " secret does not open under this master key", e);
    }
  }

  private byte[] associatedData(String context) {
    return ("waypost-" + purpose + ":" + context).getBytes(StandardCharsets.UTF_8);
  }

  private byte[] keysetData() {
    return ("waypost-sealing-key:" + purpose).getBytes(StandardCharsets.UTF_8);
  }

  /** The purpose's keyset, created by the first node that needs it. */
  private Aead aead() throws GeneralSecurityException {
    Aead opened = aead;
    if (opened != null) {
      return opened;
    }
    synchronized (this) {
      if (aead == null) {
        AeadConfig.register();
        String stored = stored().orElse(null);
        if (stored == null) {
          String fresh =
              master
                  .get()
                  .encryptKeyset(
                      KeysetHandle.generateNew(
                          PredefinedAeadParameters.AES256_GCM, RegistryConfiguration.get()),
                      keysetData());
          database.inTransaction(
              c -> {
                try (PreparedStatement ps =
                    c.prepareStatement(
                        "INSERT INTO sealing_keys (purpose, keyset, created_at) VALUES (?, ?, ?)"
                            + " ON CONFLICT (purpose) DO NOTHING")) {
                  ps.setString(1, purpose);
                  ps.setString(2, fresh);
                  ps.setLong(3, clock.millis());
                  return ps.executeUpdate();
                }
              });
          stored = stored().orElseThrow(); // ours, or the one another node wrote first
        }
        aead =
            master
                .get()
                .decryptKeyset(stored, keysetData())
                .getPrimitive(RegistryConfiguration.get(), Aead.class);
      }
      return aead;
    }
  }

  private Optional<String> stored() {
    return database.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT keyset FROM sealing_keys WHERE purpose = ?")) {
            ps.setString(1, purpose);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
          }
        });
  }
}
