package org.waypost.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** What a running Waypost has written under a folder, for tests that search it for secrets. */
public final class FilesOnDisk {
  private static final int PASSES = 10;

  private FilesOnDisk() {}

  /**
   * The content of every regular file under {@code dir}. A running server writes key files through
   * a temporary file it then renames, so a listed file can vanish before it is read; the folder is
   * then walked again, until one pass reads every file it listed.
   */
  public static Map<Path, byte[]> read(Path dir) throws IOException {
    for (int pass = 1; ; pass++) {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(dir)) {
        files = walk.filter(Files::isRegularFile).toList();
      }
      Map<Path, byte[]> contents = new LinkedHashMap<>();
      try {
        for (Path file : files) {
          contents.put(file, Files.readAllBytes(file));
        }
        return contents;
      } catch (NoSuchFileException vanished) {
        if (pass == PASSES) {
          throw vanished;
        }
      }
    }
  }
}
