package org.waypost.keys;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.waypost.keys.Keys.NOV_29;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server and a CLI command share one key folder, and a server creates today's key from many
 * request threads at once: whoever creates a day first, everyone must end up with the same key, or
 * rows sealed by the losers would never open again.
 */
class KeyStoreConcurrencyTest {
  private static final byte[] PROBE = "probe".getBytes(UTF_8);

  @TempDir Path dir;

  @Test
  void eightThreadsOverTwoKeyStoresCreateOneKeyForTheDay() throws Exception {
    MasterKey master = Keys.master(dir);
    Path keyDir = dir.resolve("keys");
    List<KeyStore> stores = List.of(new KeyStore(keyDir, master), new KeyStore(keyDir, master));
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> tags = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (int i = 0; i < 8; i++) {
        KeyStore store = stores.get(i % 2);
        tags.add(
            pool.submit(
                () -> {
                  start.await();
                  return hex(store.day(NOV_29).tag("client", PROBE));
                }));
      }
      start.countDown();
    }

    assertThat(tags.stream().map(KeyStoreConcurrencyTest::get).distinct()).hasSize(1);
    assertThat(namesIn(keyDir)).containsExactly("day-2026-11-29.json");
  }

  @Test
  void separateProcessesCreatingTheSameDayAgreeOnItsKey() throws Exception {
    Path masterFile = dir.resolve("master.key");
    MasterKey.createIfMissing(masterFile);
    Path keyDir = dir.resolve("keys");
    List<Process> children = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      children.add(
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  Child.class.getName(),
                  keyDir.toString(),
                  masterFile.toString(),
                  NOV_29.toString())
              .redirectError(dir.resolve("child-" + i + ".err").toFile())
              .start());
    }
    KeyStore here = new KeyStore(keyDir, MasterKey.load(Keys.fromFile(masterFile)));
    String local = hex(here.day(NOV_29).tag("client", PROBE));

    for (int i = 0; i < children.size(); i++) {
      Process child = children.get(i);
      Path errors = dir.resolve("child-" + i + ".err");
      String output = new String(child.getInputStream().readAllBytes(), UTF_8).strip();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).as(() -> readQuietly(errors)).isZero();
      assertThat(output).isEqualTo(local);
    }
    assertThat(namesIn(keyDir)).containsExactly("day-2026-11-29.json");
  }

  /** Run in a separate JVM: prints the day's tag of the probe (a pseudonym, not key material). */
  public static final class Child {
    public static void main(String[] args) {
      KeyStore store =
          new KeyStore(Path.of(args[0]), MasterKey.load(Keys.fromFile(Path.of(args[1]))));
      System.out.println(hex(store.day(LocalDate.parse(args[2])).tag("client", PROBE)));
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(no stderr: " + e.getMessage() + ")";
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  private static String get(Future<String> future) {
    try {
      return future.get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> namesIn(Path folder) throws Exception {
    try (var files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
