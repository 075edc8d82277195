package org.waypost.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a count is reported and added up: hidden below the threshold, and bounded when summed. */
class CountTest {
  @Test
  void aStoredCountBelowTheThresholdIsHidden() {
    assertThat(Count.reported(0, 5).text()).isEqualTo("0");
    assertThat(Count.reported(1, 5).text()).isEqualTo("<5");
    assertThat(Count.reported(4, 5).text()).isEqualTo("<5");
    assertThat(Count.reported(5, 5).text()).isEqualTo("5");
    assertThat(Count.reported(4, 1).text()).as("a threshold of 1 hides nothing").isEqualTo("4");
  }

  @Test
  void aSumOfHiddenCountsIsOnlyKnownToLieBetweenBounds() {
    Count sum = Count.reported(12, 5).plus(Count.reported(3, 5)).plus(Count.reported(2, 5));
    assertThat(sum.text()).isEqualTo("14+");
    assertThat(sum.atLeast()).isEqualTo(14);
    assertThat(sum.atMost()).isEqualTo(20);
    assertThat(sum.exact()).isFalse();
    assertThat(sum.suppressed()).isFalse();
    assertThat(Count.reported(12, 5).plus(Count.reported(40, 5)).text()).isEqualTo("52");
    assertThat(Count.zero(5).plus(Count.reported(2, 5)).text()).isEqualTo("<5");
  }
}
