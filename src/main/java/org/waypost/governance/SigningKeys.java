package org.waypost.governance;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.waypost.db.Database;
import org.waypost.keys.KeyStoreException;
import org.waypost.keys.MasterKey;

/**
 * The keys whose signatures the audit log accepts: this node's own signing key ({@link
 * AuditSigningKey}) and every key registered in the database's {@code audit_signing_keys}.
 *
 * <p>Why a registry: nodes that share a database may each keep their own checkpoint folder, and so
 * their own key, yet every node must verify the entries every other node signed. A registered key
 * is its public half encrypted under the master key, which all nodes share: whoever can write the
 * database but lacks the master key cannot add a key of their own (a row that does not open is
 * ignored, and what it signed does not verify). The registry also tells outsiders which public key
 * signed the newest checkpoint ({@link #published(String)}).
 *
 * <p>A node registers its key in the transaction of every entry it signs (an insert that does
 * nothing when the row is there), so a committed signature always has its key beside it.
 */
final class SigningKeys {
  private static final byte[] ASSOCIATED_DATA =
      "waypost-audit-public-key".getBytes(StandardCharsets.UTF_8);

  /**
   * A trusted key.
   *
   * @param publicKeyset the public keyset as Tink's cleartext JSON, for outside verifiers
   */
  record Key(long id, PublicKeyVerify verify, String publicKeyset) {}

  /** The keys trusted at one moment. */
  record Trust(List<Key> keys) {
    Trust {
      keys = List.copyOf(keys);
    }

    /** Whether {@code signatureBase64} is a trusted key's signature of {@code message}. */
    boolean verifies(String signatureBase64, byte[] message) {
      byte[] signature;
      try {
        signature = Base64.getDecoder().decode(signatureBase64);
      } catch (IllegalArgumentException e) {
        return false;
      }
      for (Key key : keys) {
        try {
          key.verify().verify(signature, message);
          return true;
        } catch (GeneralSecurityException e) {
          // not this key's; try the next
        }
      }
      return false;
    }

    boolean isEmpty() {
      return keys.isEmpty();
    }
  }

  private final Database database;
  private final AuditSigningKey own;
  private final Supplier<MasterKey> masterKey;
  private final Clock clock;
  private final Map<Long, Optional<Key>> registered = new ConcurrentHashMap<>();
  private volatile String ownRegistration; // the own key's row, once encrypted

  SigningKeys(Database database, AuditSigningKey own, Supplier<MasterKey> masterKey, Clock clock) {
    this.database = Objects.requireNonNull(database, "database");
    this.own = Objects.requireNonNull(own, "own");
    this.masterKey = Objects.requireNonNull(masterKey, "masterKey");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Registers this node's key inside the transaction on {@code c}, unless it is there already. */
  void register(Connection c) throws SQLException {
    KeysetHandle publicKeyset = own.publicKeyset(true);
    String row = ownRegistration;
    if (row == null) {
      try {
        row = masterKey.get().encryptKeyset(publicKeyset, ASSOCIATED_DATA);
      } catch (GeneralSecurityException e) {
        throw AuditSigningKey.unusable(e);
      }
      ownRegistration = row;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO audit_signing_keys (key_id, public_keyset, created_at) VALUES (?, ?, ?)"
                + " ON CONFLICT (key_id) DO NOTHING")) {
      ps.setLong(1, Integer.toUnsignedLong(publicKeyset.getPrimary().getId()));
      ps.setString(2, row);
      ps.setLong(3, clock.millis());
      ps.executeUpdate();
    }
  }

  /**
   * Whether any signing key exists: this node's, or one that any node registered. Needs no master
   * key, so a process without one can tell that it must not append unsigned.
   */
  boolean anyExists(Connection c) throws SQLException {
    if (own.exists()) {
      return true;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM audit_signing_keys LIMIT 1");
        ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  /** The keys trusted now: this node's, when it exists, and every registered key that opens. */
  Trust trust() {
    List<Key> keys = new ArrayList<>();
    KeysetHandle ownKey = own.publicKeyset(false);
    if (ownKey != null) {
      keys.add(key(ownKey));
    }
    for (long id : registeredIds()) {
      if (ownKey == null || id != Integer.toUnsignedLong(ownKey.getPrimary().getId())) {
        registeredKey(id).ifPresent(keys::add);
      }
    }
    return new Trust(keys);
  }

  /**
   * The registered key that made {@code signatureBase64}, found by the key id in its prefix (Tink's
   * output prefix: the byte 1, then the id in four bytes, big-endian); empty when it is not
   * registered or does not open.
   */
  Optional<Key> published(String signatureBase64) {
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(signatureBase64);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (signature.length < 5 || signature[0] != 1) {
      return Optional.empty();
    }
    long id =
        ((signature[1] & 0xffL) << 24)
            | ((signature[2] & 0xffL) << 16)
            | ((signature[3] & 0xffL) << 8)
            | (signature[4] & 0xffL);
    return registeredKey(id);
  }

  private List<Long> registeredIds() {
    return database.read(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT key_id FROM audit_signing_keys ORDER BY key_id");
              ResultSet rs = ps.executeQuery()) {
            List<Long> ids = new ArrayList<>();
            while (rs.next()) {
              ids.add(rs.getLong(1));
            }
            return ids;
          }
        });
  }

  /** The registered key {@code id}, opened under the master key; rows never change once written. */
  private Optional<Key> registeredKey(long id) {
    Optional<Key> known = registered.get(id);
    if (known != null) {
      return known;
    }
    Optional<String> row =
        database.read(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT public_keyset FROM audit_signing_keys WHERE key_id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                  return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
              }
            });
    if (row.isEmpty()) {
      return Optional.empty(); // perhaps registered later: not remembered
    }
    MasterKey master;
    try {
      master = masterKey.get();
    } catch (KeyStoreException e) {
      return Optional.empty(); // no master key here: nothing can be trusted, nor remembered
    }
    Optional<Key> key;
    try {
      KeysetHandle keyset = master.decryptKeyset(row.get(), ASSOCIATED_DATA);
      key =
          Integer.toUnsignedLong(keyset.getPrimary().getId()) == id
              ? Optional.of(key(keyset))
              : Optional.empty();
    } catch (GeneralSecurityException e) {
      key = Optional.empty(); // not written under this master key: vouches for nothing
    }
    registered.put(id, key);
    return key;
  }

  private static Key key(KeysetHandle publicKeyset) {
    try {
      return new Key(
          Integer.toUnsignedLong(publicKeyset.getPrimary().getId()),
          publicKeyset.getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class),
          TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(
                  publicKeyset, RegistryConfiguration.get())
              .strip());
    } catch (GeneralSecurityException e) {
      throw AuditSigningKey.unusable(e);
    }
  }
}
