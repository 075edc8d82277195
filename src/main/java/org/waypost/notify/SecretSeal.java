package org.waypost.notify;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Mac;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.mac.MacConfig;
import com.google.crypto.tink.mac.PredefinedMacParameters;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
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
  private volatile Mac mac;

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

  /**
   * A keyed hash of {@code value} (HMAC-SHA256 under a key of the purpose's own): the same on every
   * node, and nothing without the master key, so it can count what an address asked for without
   * storing the address.
   */
  public String mac(String value) {
    try {
      Mac opened = mac;
      if (opened == null) {
        synchronized (this) {
          if (mac == null) {
            MacConfig.register();
            mac =
                keyset(purpose + ":mac", PredefinedMacParameters.HMAC_SHA256_256BITTAG)
                    .getPrimitive(RegistryConfiguration.get(), Mac.class);
          }
          opened = mac;
        }
      }
      return HexFormat.of()
          .formatHex(
              opened.computeMac(
                  ("waypost-" + purpose + ":mac:" + value).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot open the " + purpose + " hashing key", e);
    }
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
        aead =
            keyset(purpose, PredefinedAeadParameters.AES256_GCM)
                .getPrimitive(RegistryConfiguration.get(), Aead.class);
      }
      return aead;
    }
  }

  /** The keyset stored under {@code name}, created from {@code parameters} if there is none. */
  private KeysetHandle keyset(String name, Parameters parameters) throws GeneralSecurityException {
    byte[] keysetData = ("waypost-sealing-key:" + name).getBytes(StandardCharsets.UTF_8);
    String stored = stored(name).orElse(null);
    if (stored == null) {
      String fresh =
          master
              .get()
              .encryptKeyset(
                  KeysetHandle.generateNew(parameters, RegistryConfiguration.get()), keysetData);
      database.inTransaction(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO sealing_keys (purpose, keyset, created_at) VALUES (?, ?, ?)"
                        + " ON CONFLICT (purpose) DO NOTHING")) {
              ps.setString(1, name);
              ps.setString(2, fresh);
              ps.setLong(3, clock.millis());
              return ps.executeUpdate();
            }
          });
      stored = stored(name).orElseThrow(); // ours, or the one another node wrote first
    }
    return master.get().decryptKeyset(stored, keysetData);
  }

  private Optional<String> stored(String name) {
    return database.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT keyset FROM sealing_keys WHERE purpose = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
          }
        });
  }
}
