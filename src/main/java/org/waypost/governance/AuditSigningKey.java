package org.waypost.governance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Supplier;
import org.waypost.governance.Checkpoints.CheckpointException;
import org.waypost.json.Json;
import org.waypost.keys.KeyFiles;
import org.waypost.keys.MasterKey;

/**
 * The Ed25519 key that signs audit checkpoints: {@link Checkpoints#SIGNING_FILE} (the private
 * keyset, encrypted under the master key) and {@link Checkpoints#PUBLIC_KEY_FILE} (its public half
 * in cleartext, for outside verifiers), both in the checkpoint folder.
 *
 * <p>Why apart from {@link Checkpoints}: the key's life (made on first use by whichever writer
 * wins, opened under the master key, never handed out) is a question of keys, and the checkpoint
 * file's (append under a lock, survive torn lines) one of files; each reads more easily without the
 * other.
 *
 * <p>Signatures are verified with the public half of the encrypted keyset, never with the cleartext
 * file, so replacing that file and re-signing the checkpoints with another key is detected.
 */
final class AuditSigningKey {
  private static final int FORMAT_VERSION = 1;
  private static final byte[] ASSOCIATED_DATA =
      "waypost-audit-signing".getBytes(StandardCharsets.UTF_8);

  static {
    try {
      SignatureConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Path folder;
  private final Supplier<MasterKey> masterKey;
  private KeysetHandle keyset; // guarded by this; the opened private keyset
  private PublicKeySign signer; // guarded by this
  private PublicKeyVerify verifier; // guarded by this

  /** With the master key loaded only when the key is first created or opened. */
  AuditSigningKey(Path folder, Supplier<MasterKey> masterKey) {
    this.folder = Objects.requireNonNull(folder, "folder");
    this.masterKey = Objects.requireNonNull(masterKey, "masterKey");
  }

  /** Signs {@code message}, creating the key on first use. */
  byte[] sign(byte[] message) {
    try {
      return signer().sign(message);
    } catch (GeneralSecurityException e) {
      throw new CheckpointException("cannot sign a checkpoint: " + e.getMessage(), e);
    }
  }

  /**
   * Whether the key exists (in the folder), without opening it: no master key is needed to know.
   */
  boolean exists() {
    return Files.exists(folder.resolve(Checkpoints.SIGNING_FILE));
  }

  /**
   * The key's public half, for the database's registry of trusted keys ({@link SigningKeys}) and
   * for publication. When {@code create}, the key is made on first use; otherwise null when none
   * exists yet.
   */
  synchronized KeysetHandle publicKeyset(boolean create) {
    if (keyset == null) {
      if (create) {
        signer();
      } else {
        keyset = load(false);
        if (keyset == null) {
          return null;
        }
      }
    }
    try {
      return keyset.getPublicKeysetHandle();
    } catch (GeneralSecurityException e) {
      throw unusable(e);
    }
  }

  /**
   * Whether {@code signatureBase64} is this key's signature of {@code message}; false when no key
   * exists, since checkpoints without the key that signed them vouch for nothing.
   */
  boolean verifies(String signatureBase64, byte[] message) {
    PublicKeyVerify verify = verifier();
    if (verify == null) {
      return false;
    }
    try {
      verify.verify(Base64.getDecoder().decode(signatureBase64), message);
      return true;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private synchronized PublicKeySign signer() {
    if (signer == null) {
      KeysetHandle opened = load(true);
      try {
        signer = opened.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
      } catch (GeneralSecurityException e) {
        throw unusable(e);
      }
      verifier = verifierOf(opened);
      keyset = opened;
    }
    return signer;
  }

  /** The verifier of the signing key, or null when no signing key exists (yet). */
  private synchronized PublicKeyVerify verifier() {
    if (verifier == null) {
      KeysetHandle opened = load(false);
      if (opened == null) {
        return null;
      }
      verifier = verifierOf(opened);
    }
    return verifier;
  }

  /** The verifier of the public half of the signing {@code keyset}. */
  private static PublicKeyVerify verifierOf(KeysetHandle keyset) {
    try {
      return keyset
          .getPublicKeysetHandle()
          .getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class);
    } catch (GeneralSecurityException e) {
      throw unusable(e);
    }
  }

  static CheckpointException unusable(GeneralSecurityException e) {
    return new CheckpointException("cannot use the audit signing key: " + e.getMessage(), e);
  }

  /**
   * Reads the signing keyset, creating it (and the public key file) first when {@code create} and
   * none exists; null when none exists and not {@code create}. Of concurrent creators one wins and
   * every one reads the winner's file.
   */
  private KeysetHandle load(boolean create) {
    Path file = folder.resolve(Checkpoints.SIGNING_FILE);
    byte[] content = readIfExists(file);
    if (content == null) {
      if (!create) {
        return null;
      }
      Checkpoints.createPrivateFolder(folder);
      createExclusively(file, generate());
      content = readIfExists(file);
      if (content == null) {
        throw new CheckpointException(file + " disappeared right after it was created");
      }
    }
    KeysetHandle opened = open(file, content);
    Path publicFile = folder.resolve(Checkpoints.PUBLIC_KEY_FILE);
    if (!Files.exists(publicFile)) {
      try {
        String publicJson =
            TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(
                opened.getPublicKeysetHandle(), RegistryConfiguration.get());
        createExclusively(publicFile, (publicJson + "\n").getBytes(StandardCharsets.UTF_8));
      } catch (GeneralSecurityException e) {
        throw new CheckpointException("cannot write " + publicFile + ": " + e.getMessage(), e);
      }
    }
    return opened;
  }

  /**
   * A new signing file: {@code {"version":1,"signing":<keyset encrypted under the master key>}}.
   */
  private byte[] generate() {
    try {
      KeysetHandle keyset =
          KeysetHandle.generateNew(
              PredefinedSignatureParameters.ED25519, RegistryConfiguration.get());
      ObjectNode root = Json.MAPPER.createObjectNode();
      root.put("version", FORMAT_VERSION);
      root.set(
          "signing", Json.MAPPER.readTree(masterKey.get().encryptKeyset(keyset, ASSOCIATED_DATA)));
      return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (GeneralSecurityException | IOException e) {
      throw new CheckpointException("cannot generate the audit signing key: " + e.getMessage(), e);
    }
  }

  private KeysetHandle open(Path file, byte[] content) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(content);
    } catch (IOException e) {
      root = null;
    }
    if (root == null
        || root.path("version").asInt() != FORMAT_VERSION
        || !root.path("signing").isObject()) {
      throw new CheckpointException(
          file + " is not a Waypost audit signing key of format " + FORMAT_VERSION);
    }
    try {
      return masterKey.get().decryptKeyset(root.get("signing").toString(), ASSOCIATED_DATA);
    } catch (GeneralSecurityException e) {
      throw new CheckpointException(
          "cannot open "
              + file
              + ": it was written under another master key, or altered"
              + " (check privacy.masterKeyFile / WAYPOST_PRIVACY_MASTERKEY)",
          e);
    }
  }

  /** Creates {@code target} with {@code content} (0600, fsynced) unless it exists already. */
  private static void createExclusively(Path target, byte[] content) {
    try {
      KeyFiles.createExclusively(target, content); // false: another writer's file won
    } catch (IOException e) {
      throw new CheckpointException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  private static byte[] readIfExists(Path file) {
    try {
      return KeyFiles.readIfExists(file);
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
