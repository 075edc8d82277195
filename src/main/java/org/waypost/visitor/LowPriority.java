package org.waypost.visitor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the CPU priority of the calling thread (Linux: {@code nice} 10), for background writers
 * that share cores with request threads. On a busy core the kernel then runs requests first and the
 * writer in the gaps, so a batch being written does not hold lookups back; when the core is idle
 * the writer runs at full speed. Raising one's own niceness needs no privilege. Elsewhere, or if it
 * cannot be done, the thread keeps its priority (logged at debug).
 *
 * <p>HotSpot ignores {@link Thread#setPriority} on Linux, and the project compiles for Java 21,
 * where the FFM API that could call {@code setpriority} is a preview; so the thread's kernel id is
 * read from {@code /proc/thread-self} and handed to util-linux's {@code renice}, once per thread.
 */
final class LowPriority {
  static final int NICE = 10;
  private static final Logger log = LoggerFactory.getLogger(LowPriority.class);

  private LowPriority() {}

  /** Lowers the calling thread's priority; true if it was lowered. */
  static boolean lowerCurrentThread() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
      return false;
    }
    try {
      // "/proc/thread-self" links to "<pid>/task/<tid>"
      Path self = Files.readSymbolicLink(Path.of("/proc/thread-self"));
      String tid = self.getFileName().toString();
      Process renice =
          new ProcessBuilder("renice", "-n", Integer.toString(NICE), "-p", tid)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return renice.waitFor(5, TimeUnit.SECONDS) && renice.exitValue() == 0;
    } catch (java.io.IOException | RuntimeException e) {
      log.debug("background thread keeps its priority error={}", e.getClass().getName());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
