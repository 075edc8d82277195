package org.waypost.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The in-memory windows count distinct numbers and forget what is older than the window. */
class WindowTest {
  @Test
  void aNumberAskedAgainCountsOnceAndStaysFailedIfItEverFailed() {
    Window window = new Window();
    window.record(100, 10, 1, true);
    window.record(100, 10, 1, false);
    window.record(101, 10, 2, false);
    Window.Counts counts = window.counts();
    assertThat(counts.distinct()).isEqualTo(2);
    assertThat(counts.failed()).isEqualTo(1);
  }

  @Test
  void recordSaysWhetherTheNumberWasNewToTheWindow() {
    Window window = new Window();
    assertThat(window.record(100, 10, 1, true)).isTrue();
    assertThat(window.record(101, 10, 1, true)).isFalse();
    assertThat(window.record(101, 10, 2, false)).isTrue();
    assertThat(window.record(111, 10, 1, true)).as("forgotten, so new again").isTrue();
  }

  @Test
  void entriesOlderThanTheWindowAreForgotten() {
    Window window = new Window();
    for (int i = 0; i < 15; i++) {
      window.record(100, 10, i, true);
    }
    window.record(110, 10, 99, false);
    Window.Counts later = window.counts();
    assertThat(later.distinct()).isEqualTo(1);
    assertThat(later.failed()).isZero();
  }

  @Test
  void theWindowIsBounded() {
    Window window = new Window();
    Window.Counts counts = null;
    for (int i = 0; i < 1000; i++) {
      window.record(100, 10, i, true);
      counts = window.counts();
    }
    assertThat(counts.distinct()).isEqualTo(Window.CAPACITY);
  }

  @Test
  void prefixSlotsSumTheWindowAndDropOldMinutes() {
    Slots slots = new Slots(10);
    slots.add(100, 5, 4);
    slots.add(105, 5, 1);
    assertThat(slots.add(109, 0, 0)).containsExactly(10, 5);
    assertThat(slots.add(110, 1, 1)).containsExactly(6, 2);
    assertThat(slots.add(200, 0, 0)).containsExactly(0, 0);
  }
}
