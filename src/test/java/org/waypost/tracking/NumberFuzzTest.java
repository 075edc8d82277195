package org.waypost.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import org.waypost.error.ProblemException;

/**
 * Tracking numbers and lookup queries as the network sends them, fuzzed with Jazzer: a plain {@code
 * mvn test} runs the committed inputs under {@code NumberFuzzTestInputs/}; {@code JAZZER_FUZZ=1}
 * fuzzes (docs/operations.md, "Drills"). Whatever the text, the answer is a number or a refusal of
 * the documented kind, and what is accepted reads back the same.
 */
class NumberFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void aNumberIsParsedOrRefusedAndReadsBackTheSame(FuzzedDataProvider data) {
    String raw = data.consumeRemainingAsString();
    TrackingNumber number;
    try {
      number = TrackingNumber.parse(raw);
    } catch (InvalidTrackingNumberException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(TrackingNumber.normalize(number.value())).isEqualTo(number.value());
    assertThat(TrackingNumber.parse(number.value())).isEqualTo(number);
  }

  @FuzzTest(maxDuration = "60s")
  void aQueryIsReadOrRefusedAndItsNumbersReadBackTheSame(FuzzedDataProvider data) {
    boolean api = data.consumeBoolean();
    String raw = data.consumeRemainingAsString();
    NumberQuery query;
    try {
      query = api ? NumberQuery.parse(raw) : NumberQuery.read(raw);
    } catch (ProblemException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(query.numbers()).hasSizeBetween(1, NumberQuery.MAX).doesNotHaveDuplicates();
    String joined = String.join(",", query.numbers());
    assertThat(NumberQuery.parse(joined)).isEqualTo(query);
    // What the pages read back the same are the numbers in it. An entry that is not a number is
    // kept whole (normalized), so that the visitor sees what was refused, and a second reading may
    // differ (found by this fuzz test: "%1%45" reads as "%1E", which a second reading decodes
    // again; digits around a stray letter are grouped differently once the separators are gone);
    // it is refused either way.
    if (!api) {
      List<String> numbers = query.numbers().stream().filter(NumberFuzzTest::isNumber).toList();
      if (!numbers.isEmpty()) {
        assertThat(NumberQuery.read(String.join(",", numbers)).numbers()).isEqualTo(numbers);
      }
    }
  }

  private static boolean isNumber(String entry) {
    try {
      TrackingNumber.parse(entry);
      return true;
    } catch (InvalidTrackingNumberException refused) {
      return false;
    }
  }
}
