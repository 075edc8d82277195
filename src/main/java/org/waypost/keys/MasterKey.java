package org.waypost.keys;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waypost.config.PrivacyConfig;

/**
 * The master key: a Tink AES256-GCM keyset (JSON) that wraps every day keyset; from {@code
 * privacy.masterKey} (the JSON, or base64 of it) or {@code privacy.masterKeyFile}.
 *
 * <p>It exists so the key store can live on disk without its keys being readable there: a copy of
 * the key folder alone opens nothing. It is never written anywhere but its own 0600 file, and
 * nothing here puts its text into a message or an exception.
 */
public final class MasterKey {
  private static final String ENV = "WAYPOST_PRIVACY_MASTERKEY";
  private static final Logger log = LoggerFactory.getLogger(MasterKey.class);

  private final Aead aead;

  private MasterKey(Aead aead) {
    this.aead = aead;
  }

  /**
   * The master key, loaded on first use: commands that never seal anything work before a key
   * exists, and the key is read once however many features need it.
   */
  public static final class Lazy implements Supplier<MasterKey> {
    private final PrivacyConfig privacy;
    private MasterKey key;

    public Lazy(PrivacyConfig privacy) {
      this.privacy = privacy;
    }

    @Override
    public synchronized MasterKey get() {
      if (key == null) {
        key = load(privacy);
      }
      return key;
    }
  }

  /**
   * The master key given in {@code privacy.masterKey} when set, else read from {@code
   * privacy.masterKeyFile}.
   *
   * @throws KeyStoreException naming the file and {@code WAYPOST_PRIVACY_MASTERKEY} when the key is
   *     missing, unreadable or not an AEAD keyset
   */
  public static MasterKey load(PrivacyConfig privacy) {
    if (!privacy.masterKey().isBlank()) {
      MasterKey key = parse(privacy.masterKey());
      if (key == null) {
        throw new KeyStoreException(
            "privacy.masterKey ("
                + ENV
                + ") is not a Tink AEAD keyset: give the keyset JSON, or base64 of it");
      }
      return key;
    }
    Path file = file(privacy);
    warnAboutLocation(privacy, file);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new KeyStoreException(
          "no master key: the file privacy.masterKeyFile ("
              + file
              + ") does not exist. Create it with `waypost keys init`, or give the key itself in "
              + ENV
              + ".");
    } catch (IOException e) {
      throw new KeyStoreException(
          "cannot read the master key file privacy.masterKeyFile ("
              + file
              + "): "
              + KeyFiles.describe(e)
              + ". Fix its permissions, or give the key itself in "
              + ENV
              + ".",
          e);
    }
    MasterKey key = parse(text);
    if (key == null) {
      throw new KeyStoreException(
          "the master key file privacy.masterKeyFile ("
              + file
              + ") does not hold a Tink AEAD keyset (JSON, or base64 of it)");
    }
    return key;
  }

  /**
   * The file the master key is read from: {@code privacy.masterKeyFile}, or, when that does not
   * exist but {@code keyDir/master.key} does, the latter. That was the default until the master key
   * moved out of the key folder (which is never backed up, while the master key must be): an
   * install made before keeps working, and is told at each start to move its key.
   */
  public static Path file(PrivacyConfig privacy) {
    Path file = Path.of(privacy.masterKeyFile());
    Path old = oldDefault(privacy);
    if (!Files.exists(file) && Files.exists(old) && !sameFile(file, old)) {
      return old;
    }
    return file;
  }

  /**
   * Creates the master key file at {@code privacy.masterKeyFile} unless a key file exists already,
   * there or at the old default inside the key folder (see {@link #file}); returns whether it did.
   */
  public static boolean createIfMissing(PrivacyConfig privacy) {
    return !Files.exists(file(privacy)) && createIfMissing(Path.of(privacy.masterKeyFile()));
  }

  /** Whether {@code file}, the master key file in use, lies inside the key folder. */
  public static boolean insideKeyFolder(PrivacyConfig privacy, Path file) {
    return file.toAbsolutePath()
        .normalize()
        .startsWith(Path.of(privacy.keyDir()).toAbsolutePath().normalize());
  }

  private static Path oldDefault(PrivacyConfig privacy) {
    return Path.of(privacy.keyDir()).resolve("master.key");
  }

  private static boolean sameFile(Path a, Path b) {
    return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
  }

  private static void warnAboutLocation(PrivacyConfig privacy, Path file) {
    if (!insideKeyFolder(privacy, file)) {
      return;
    }
    if (!sameFile(file, Path.of(privacy.masterKeyFile()))) {
      log.warn(
          "the master key was read from {}, its old default place inside privacy.keyDir: move it"
              + " to privacy.masterKeyFile ({}). The key folder is kept out of backups; the master"
              + " key must be backed up",
          file,
          privacy.masterKeyFile());
    } else {
      log.warn(
          "privacy.masterKeyFile ({}) lies inside privacy.keyDir ({}), which is kept out of"
              + " backups: back the master key up apart from it, or move it out",
          file,
          privacy.keyDir());
    }
  }

  /**
   * Writes a new master key to {@code file} (mode 0600; missing parent folders are created 0700)
   * unless one is there already; never overwrites, even when another process creates one at the
   * same moment. Returns whether this call created it.
   */
  public static boolean createIfMissing(Path file) {
    if (Files.exists(file)) {
      return false;
    }
    Path parent = file.toAbsolutePath().getParent();
    KeyFiles.createKeyFolder(parent);
    byte[] json = generateJson();
    return KeyFiles.createKeyFile(file, json);
  }

  /**
   * {@code keyset} encrypted under the master key as Tink JSON, bound to {@code associatedData}:
   * for a feature outside this package that keeps a keyset of its own (the audit log's signing key)
   * without the master key's AEAD ever leaving this class.
   */
  public String encryptKeyset(KeysetHandle keyset, byte[] associatedData)
      throws GeneralSecurityException {
    return TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(
        keyset, aead, associatedData, Tink.CONFIGURATION);
  }

  /**
   * The keyset {@link #encryptKeyset} wrote. The caller registers the keyset's key type with Tink.
   *
   * @throws GeneralSecurityException when it was altered, or written under another master key or
   *     associated data
   */
  public KeysetHandle decryptKeyset(String encrypted, byte[] associatedData)
      throws GeneralSecurityException {
    return TinkJsonProtoKeysetFormat.parseEncryptedKeyset(
        encrypted, aead, associatedData, Tink.CONFIGURATION);
  }

  private static byte[] generateJson() {
    Tink.init();
    try {
      KeysetHandle keyset =
          KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, Tink.CONFIGURATION);
      return TinkJsonProtoKeysetFormat.serializeKeyset(
              keyset, Tink.CONFIGURATION, InsecureSecretKeyAccess.get())
          .getBytes(StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new KeyStoreException("cannot generate a master key: " + e.getMessage(), e);
    }
  }

  /**
   * The key in {@code text} (keyset JSON, or base64 of it), or null. No cause or excerpt is kept:
   * parser messages quote their input, and the input is the key.
   */
  private static MasterKey parse(String text) {
    Tink.init();
    String json = text.strip();
    if (!json.startsWith("{")) {
      json = decodeBase64(json);
      if (json == null) {
        return null;
      }
    }
    try {
      KeysetHandle keyset =
          TinkJsonProtoKeysetFormat.parseKeyset(
              json, Tink.CONFIGURATION, InsecureSecretKeyAccess.get());
      return new MasterKey(Tink.aead(keyset));
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  private static String decodeBase64(String text) {
    String compact = text.replaceAll("\\s", "");
    for (Base64.Decoder decoder :
        new Base64.Decoder[] {Base64.getDecoder(), Base64.getUrlDecoder()}) {
      try {
        String decoded = new String(decoder.decode(compact), StandardCharsets.UTF_8).strip();
        return decoded.startsWith("{") ? decoded : null;
      } catch (IllegalArgumentException e) {
        // try the other alphabet
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "MasterKey[***]";
  }
}
