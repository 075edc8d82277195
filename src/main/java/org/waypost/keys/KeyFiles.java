package org.waypost.keys;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Set;

/**
 * File operations for key files, which have to be private (0600 in a 0700 folder), appear whole or
 * not at all, never replace a key another process already wrote, and be shredded rather than just
 * unlinked. Public for other keepers of secrets on disk (the audit log's signing key and
 * checkpoints), so there is one implementation of these rules.
 *
 * <p>Creation writes a temp file beside the target, fsyncs it, then hard-links it to the target
 * name: link(2) fails when the name exists, so of several concurrent creators (threads or
 * processes) exactly one wins and the rest read the winner's file. A rename would silently replace.
 *
 * <p>The shared operations throw {@link IOException}, for each caller to report in its own terms
 * (the key store as {@link KeyStoreException}, say).
 */
public final class KeyFiles {
  public static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-------");
  public static final Set<PosixFilePermission> DIR_MODE =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");
  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyFiles() {}

  /** Creates {@code dir} and any missing parents with mode 0700; leaves existing folders alone. */
  public static void createPrivateDirectories(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath().normalize();
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = absolute; p != null && !Files.isDirectory(p); p = p.getParent()) {
      missing.push(p);
    }
    while (!missing.isEmpty()) {
      Path p = missing.pop();
      try {
        if (posix(p.getParent())) {
          Files.createDirectory(p, PosixFilePermissions.asFileAttribute(DIR_MODE));
          Files.setPosixFilePermissions(p, DIR_MODE); // the umask may have narrowed it
        } else {
          Files.createDirectory(p);
        }
      } catch (FileAlreadyExistsException e) {
        if (!Files.isDirectory(p)) {
          throw e;
        }
      }
    }
  }

  /**
   * Creates {@code file} empty with mode 0600 (whatever the umask) unless it already exists, for a
   * file that another component then fills (the SQLite database, whose {@code -wal} and {@code
   * -shm} files SQLite creates with the database file's mode). Returns whether this call created
   * it. Where the file system has no POSIX permissions it does nothing and returns false.
   */
  public static boolean createPrivateFile(Path file) throws IOException {
    if (!posix(file.toAbsolutePath().getParent())) {
      return false;
    }
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE_MODE));
    } catch (FileAlreadyExistsException e) {
      return false;
    }
    Files.setPosixFilePermissions(file, FILE_MODE); // the umask may have narrowed it
    return true;
  }

  /** Whether users other than the owner may read or write {@code file}; false without POSIX. */
  public static boolean sharedWithOthers(Path file) throws IOException {
    if (!posix(file.toAbsolutePath().getParent())) {
      return false;
    }
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
    return mode.stream()
        .anyMatch(p -> !FILE_MODE.contains(p) && p != PosixFilePermission.OWNER_EXECUTE);
  }

  /**
   * Creates {@code target} holding {@code content} unless it already exists; returns whether this
   * call created it. Also returns false when the temp file vanished before it could be linked
   * (another process shredding the day), so the caller re-reads the situation.
   */
  public static boolean createExclusively(Path target, byte[] content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = dir.resolve(tempName(target));
    try {
      writeNew(temp, content);
      try {
        Files.createLink(target, temp);
      } catch (FileAlreadyExistsException | NoSuchFileException e) {
        return false;
      } catch (UnsupportedOperationException | FileSystemException e) {
        // No hard links on this file system: fall back to a move that refuses to replace.
        try {
          Files.move(temp, target);
        } catch (FileAlreadyExistsException | NoSuchFileException lost) {
          return false;
        }
      }
      fsync(dir);
      return true;
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // a hidden leftover; in the key folder it is shredded with its day by destroyBefore
      }
    }
  }

  /** {@link #createPrivateDirectories} for the key folders, failing as a KeyStoreException. */
  static void createKeyFolder(Path dir) {
    try {
      createPrivateDirectories(dir);
    } catch (IOException e) {
      throw new KeyStoreException("cannot create the key folder " + dir + ": " + describe(e), e);
    }
  }

  /** {@link #createExclusively} for key files, failing as a KeyStoreException. */
  static boolean createKeyFile(Path target, byte[] content) {
    try {
      return createExclusively(target, content);
    } catch (IOException e) {
      throw new KeyStoreException("cannot write " + target + ": " + describe(e), e);
    }
  }

  /** {@link #readIfExists} for key files, failing as a KeyStoreException. */
  static byte[] readKeyFileIfExists(Path file) {
    try {
      return readIfExists(file);
    } catch (IOException e) {
      throw new KeyStoreException("cannot read the key file " + file + ": " + describe(e), e);
    }
  }

  /**
   * Name of a temp file for {@code target}: {@code .<name>.<random>.tmp}, hidden and tied to it.
   */
  private static String tempName(Path target) {
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    return "." + target.getFileName() + "." + HexFormat.of().formatHex(random) + ".tmp";
  }

  private static void writeNew(Path file, byte[] content) throws IOException {
    FileAttribute<?>[] attrs =
        posix(file.getParent())
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)}
            : new FileAttribute<?>[0];
    try (FileChannel channel =
        FileChannel.open(
            file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs)) {
      if (posix(file.getParent())) {
        Files.setPosixFilePermissions(file, FILE_MODE); // the umask may have narrowed it
      }
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
  }

  /** The content of {@code file}, or null when it does not exist. */
  public static byte[] readIfExists(Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * Overwrites {@code file} with zeros, syncs it, then deletes it; returns false when it did not
   * exist. On copy-on-write or wear-levelled storage the old blocks may survive the overwrite, so
   * the guarantee rests on the key being gone from the key store, not on the zeros.
   */
  static boolean shred(Path file) {
    try {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        long size = channel.size();
        ByteBuffer zeros = ByteBuffer.allocate(8192);
        for (long written = 0; written < size; ) {
          zeros.clear().limit((int) Math.min(zeros.capacity(), size - written));
          written += channel.write(zeros, written);
        }
        channel.force(true);
      }
      Files.delete(file);
      fsync(file.toAbsolutePath().getParent());
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new KeyStoreException("cannot destroy " + file + ": " + describe(e), e);
    }
  }

  /** Makes a directory's entries durable (a new or removed name); best effort where unsupported. */
  public static void fsync(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // some platforms cannot open a directory for syncing; the data files are synced already
    }
  }

  /** Whether the file system of {@code dir} has POSIX permissions. */
  public static boolean posix(Path dir) {
    return dir != null && dir.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  static String describe(IOException e) {
    String kind =
        switch (e) {
          case AccessDeniedException a -> "permission denied";
          case NoSuchFileException n -> "no such file or folder";
          case FileAlreadyExistsException f -> "already exists";
          default -> e.getClass().getSimpleName();
        };
    return e.getMessage() == null ? kind : kind + " (" + e.getMessage() + ")";
  }
}
