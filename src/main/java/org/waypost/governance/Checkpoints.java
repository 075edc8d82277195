package org.waypost.governance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.waypost.json.Json;
import org.waypost.keys.KeyFiles;
import org.waypost.keys.MasterKey;

/**
 * Signed checkpoints of the audit log's head, kept in a file outside the database.
 *
 * <p>Why: the hash chain alone shows an entry changed or removed in the middle, but not a tail cut
 * off the end, nor a log that someone with write access to the database rewrote from some entry on
 * with freshly computed hashes (the chain has no key; anyone can compute it). A checkpoint is the
 * head's seq and hash signed with an Ed25519 key the database never sees, so whoever holds only the
 * database cannot make the log end earlier, or differ, than a checkpoint says. The database keeps
 * signed checkpoints too ({@link CheckpointTable}), so that whoever holds only this folder cannot
 * hide a cut by removing or trimming this file.
 *
 * <p>The folder (mode 0700; every file 0600) holds:
 *
 * <ul>
 *   <li>{@code audit-signing.json}: {@code {"version":1,"signing":<keyset>}}, the Ed25519 private
 *       keyset encrypted under the master key (Tink's encrypted-keyset JSON, associated data {@code
 *       waypost-audit-signing}). Made on the first signature.
 *   <li>{@code audit-public-key.json}: the public keyset in cleartext (Tink's JSON keyset format),
 *       so that anyone can verify checkpoints with Tink's {@code PublicKeyVerify} and nothing else.
 *   <li>{@code checkpoints.ndjson}: one checkpoint per line, appended and fsynced: {@code
 *       {"seq":12,"hash":"<64 hex>","time":1795953600000,"signature":"<base64>","db":true}}, time
 *       in epoch milliseconds, the signature in standard base64 with padding. {@code "db":true}
 *       (not signed) marks lines written since the database keeps checkpoints too (migration V15):
 *       the database must then hold one as well, so removing all of its checkpoints is seen.
 * </ul>
 *
 * <p>The signed message is the UTF-8 bytes of the JSON array {@code
 * ["waypost-audit-checkpoint",seq,"hash",time]}, without whitespace, e.g. {@code
 * ["waypost-audit-checkpoint",12,"9f86d0…",1795953600000]}. The signature is Tink's Ed25519 (with
 * Tink's 5-byte key-id prefix), checked by {@code PublicKeyVerify.verify(signature, message)}.
 *
 * <p>Only the newest line matters, and a new line is written only past the newest seq, under a file
 * lock, so concurrent writers (threads or processes) never put an older checkpoint last. A line
 * torn by a crash (no final newline) is ignored and closed by the next append. Verification uses
 * the public half of the encrypted keyset, not the cleartext file, so replacing that file and
 * re-signing the checkpoints with another key is detected. Several nodes may each keep their own
 * folder and key (each registered in the database, see {@link SigningKeys}); any node's newest
 * checkpoint vouches for the shared log. A new line is a copy of the head once the database has
 * signed it, re-signed with this folder's key.
 *
 * <p>This class keeps the checkpoint file; the two key files are {@link AuditSigningKey}'s.
 */
public final class Checkpoints {
  /**
   * A checkpoint as read; {@code authentic} is whether its signature verifies with this folder's
   * key; {@code alsoInDatabase} whether it was written by a version that keeps every checkpoint in
   * the database too (the line's {@code "db":true}), so that the database must still hold one.
   */
  public record Checkpoint(
      long seq,
      String hash,
      Instant time,
      String signature,
      boolean authentic,
      boolean alsoInDatabase) {}

  /** The checkpoint folder cannot be read, or its files are not what Waypost wrote. */
  public static final class CheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CheckpointException(String message, Throwable cause) {
      super(message, cause);
    }

    CheckpointException(String message) {
      super(message);
    }
  }

  static final String SIGNING_FILE = "audit-signing.json";
  static final String PUBLIC_KEY_FILE = "audit-public-key.json";
  static final String CHECKPOINTS_FILE = "checkpoints.ndjson";
  private static final String MESSAGE_TAG = "waypost-audit-checkpoint";
  private static final int TAIL_BYTES = 64 * 1024;
  private static final ObjectMapper PLAIN = new ObjectMapper();

  private final Path folder;
  private final Supplier<MasterKey> masterKey;
  private final AuditSigningKey key;

  public Checkpoints(Path folder, MasterKey master) {
    this(folder, () -> master);
    Objects.requireNonNull(master, "master");
  }

  /**
   * With the master key loaded only when a checkpoint is first signed or read, so that commands
   * which merely append to the audit log work before a master key exists.
   */
  public Checkpoints(Path folder, Supplier<MasterKey> masterKey) {
    this.folder = Objects.requireNonNull(folder, "folder");
    this.masterKey = Objects.requireNonNull(masterKey, "masterKey");
    this.key = new AuditSigningKey(folder, masterKey);
  }

  /** This folder's signing key: it signs the file's checkpoints and this node's entries. */
  AuditSigningKey signingKey() {
    return key;
  }

  Supplier<MasterKey> masterKey() {
    return masterKey;
  }

  /**
   * The newest checkpoint, its signature checked; empty when none was written yet. A checkpoint
   * whose signature does not verify (or whose signing key is gone) is returned with {@code
   * authentic} false, for the caller to report.
   *
   * @throws CheckpointException when the file cannot be read or its last line is not a checkpoint
   */
  public Optional<Checkpoint> latest() {
    Path file = folder.resolve(CHECKPOINTS_FILE);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return lastLine(channel).map(this::parse);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Every checkpoint in the file, oldest first, skipping lines that are not checkpoints (a torn
   * write); empty when there is no file. For finding where a restored log parts from the
   * checkpoints, which is rare: the newest alone is read otherwise.
   *
   * @throws CheckpointException when the file cannot be read
   */
  public List<Checkpoint> all() {
    Path file = folder.resolve(CHECKPOINTS_FILE);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
    }
    List<Checkpoint> out = new ArrayList<>();
    for (String line : lines) {
      if (!line.isBlank()) {
        try {
          out.add(parse(line.strip()));
        } catch (CheckpointException e) {
          // a torn line, closed by the append after it
        }
      }
    }
    return out;
  }

  /**
   * Signs and appends a checkpoint of ({@code seq}, {@code hash}, {@code time}), creating the
   * signing key on first use, unless the newest checkpoint is already at {@code seq} or beyond.
   * Returns whether a line was written.
   */
  public synchronized boolean append(long seq, String hash, Instant time) {
    long millis = time.toEpochMilli();
    String signature = Base64.getEncoder().encodeToString(key.sign(message(seq, hash, millis)));
    ObjectNode line = PLAIN.createObjectNode();
    line.put("seq", seq).put("hash", hash).put("time", millis).put("signature", signature);
    line.put("db", true);
    Path file = folder.resolve(CHECKPOINTS_FILE);
    boolean created = !Files.exists(file);
    try (FileChannel channel = openForAppend(file)) {
      channel.lock(); // against other processes; released when the channel closes
      Optional<String> last = lastLine(channel);
      if (last.isPresent() && parse(last.get()).seq() >= seq) {
        return false;
      }
      long size = channel.size();
      String prefix = size > 0 && !endsWithNewline(channel, size) ? "\n" : "";
      ByteBuffer bytes = ByteBuffer.wrap((prefix + line + "\n").getBytes(StandardCharsets.UTF_8));
      for (long at = size; bytes.hasRemaining(); ) {
        at += channel.write(bytes, at);
      }
      channel.force(true);
      if (created) {
        KeyFiles.fsync(folder);
      }
      return true;
    } catch (IOException e) {
      throw new CheckpointException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The bytes a checkpoint's signature covers: {@code ["waypost-audit-checkpoint",seq,hash,time]}.
   */
  static byte[] message(long seq, String hash, long timeMillis) {
    try {
      return PLAIN.writeValueAsBytes(List.of(MESSAGE_TAG, seq, hash, timeMillis));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a checkpoint", e);
    }
  }

  private Checkpoint parse(String line) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(line);
    } catch (IOException e) {
      node = null;
    }
    if (node == null
        || !node.path("seq").canConvertToExactIntegral()
        || !node.path("hash").isTextual()
        || !node.path("time").canConvertToExactIntegral()
        || !node.path("signature").isTextual()) {
      throw new CheckpointException(
          "the last line of "
              + folder.resolve(CHECKPOINTS_FILE)
              + " is not a checkpoint ({\"seq\",\"hash\",\"time\",\"signature\"})");
    }
    long seq = node.get("seq").asLong();
    String hash = node.get("hash").asText();
    long time = node.get("time").asLong();
    String signature = node.get("signature").asText();
    return new Checkpoint(
        seq,
        hash,
        Instant.ofEpochMilli(time),
        signature,
        key.verifies(signature, message(seq, hash, time)),
        node.path("db").asBoolean(false));
  }

  /**
   * The last newline-terminated, non-blank line within the file's last {@link #TAIL_BYTES}; a
   * fragment after the last newline is a torn write and is skipped.
   */
  private Optional<String> lastLine(FileChannel channel) throws IOException {
    long size = channel.size();
    int length = (int) Math.min(size, TAIL_BYTES);
    ByteBuffer tail = ByteBuffer.allocate(length);
    for (long at = size - length; tail.hasRemaining(); ) {
      int read = channel.read(tail, at);
      if (read < 0) {
        break;
      }
      at += read;
    }
    String text = new String(tail.array(), 0, tail.position(), StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    while (end >= 0) {
      int start = text.lastIndexOf('\n', end - 1) + 1;
      String line = text.substring(start, end).strip();
      if (!line.isEmpty()) {
        if (start == 0 && length < size) {
          break; // may be cut by the window: not one of Waypost's short lines
        }
        return Optional.of(line);
      }
      end = start - 1;
    }
    if (size > 0 && text.indexOf('\n') >= 0) {
      throw new CheckpointException(
          "the end of " + folder.resolve(CHECKPOINTS_FILE) + " holds no checkpoint");
    }
    return Optional.empty();
  }

  private static boolean endsWithNewline(FileChannel channel, long size) throws IOException {
    ByteBuffer last = ByteBuffer.allocate(1);
    channel.read(last, size - 1);
    return last.get(0) == '\n';
  }

  private FileChannel openForAppend(Path file) throws IOException {
    createPrivateFolder(folder);
    Set<StandardOpenOption> options =
        Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    if (!KeyFiles.posix(folder)) {
      return FileChannel.open(file, options);
    }
    boolean existed = Files.exists(file);
    FileChannel channel =
        FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(KeyFiles.FILE_MODE));
    if (!existed) {
      Files.setPosixFilePermissions(file, KeyFiles.FILE_MODE); // the umask may have narrowed it
    }
    return channel;
  }

  /** Creates the folder and any missing parents with mode 0700; leaves existing ones alone. */
  static void createPrivateFolder(Path folder) {
    try {
      KeyFiles.createPrivateDirectories(folder);
    } catch (IOException e) {
      throw new CheckpointException(
          "cannot create the checkpoint folder " + folder + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "Checkpoints[" + folder + "]";
  }
}
