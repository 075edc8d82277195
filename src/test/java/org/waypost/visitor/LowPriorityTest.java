package org.waypost.visitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Waypost's servers and CI run on Linux, where the priority must really be lowered. */
class LowPriorityTest {
  @Test
  void aBackgroundWriterRunsAtNiceTenAndOtherThreadsKeepTheirs() throws Exception {
    AtomicReference<Boolean> lowered = new AtomicReference<>();
    AtomicInteger niceAfter = new AtomicInteger(Integer.MIN_VALUE);
    Thread writer =
        Thread.ofPlatform()
            .start(
                () -> {
                  lowered.set(LowPriority.lowerCurrentThread());
                  niceAfter.set(niceOfThisThread());
                });
    writer.join(10_000);

    assertThat(lowered.get()).isTrue();
    assertThat(niceAfter.get()).isEqualTo(LowPriority.NICE);
    assertThat(niceOfThisThread()).isLessThan(LowPriority.NICE);
  }

  @Test
  void handoffWorkersRunLowered() throws Exception {
    AtomicInteger nice = new AtomicInteger(Integer.MIN_VALUE);
    try (Handoff<String> handoff =
        new Handoff<>("test-handoff", 10, 10, 5, batch -> nice.set(niceOfThisThread()))) {
      handoff.offer("x");
      handoff.flush();
    }
    assertThat(nice.get()).isEqualTo(LowPriority.NICE);
  }

  /** Field 19 of /proc/thread-self/stat; fields are counted after the command in parentheses. */
  private static int niceOfThisThread() {
    try {
      String stat = Files.readString(Path.of("/proc/thread-self/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Integer.parseInt(fields[19 - 3]);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
