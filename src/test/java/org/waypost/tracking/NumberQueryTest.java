package org.waypost.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;

/** What a visitor pastes into the tracking form: up to 35 numbers at once. */
class NumberQueryTest {
  /** Valid IMpb numbers from the USPS test data of jkeen/tracking_number_data. */
  private static final String FIRST = "9400111206206406260787";

  private static final String SECOND = "9405803699300124287899";
  private static final String THIRD = "9434611206206406227577";

  /** {@code count} distinct valid numbers, as a shipper's label printer would issue them. */
  private static List<String> issued(int count) {
    List<String> numbers = new ArrayList<>();
    for (int serial = 1; serial <= count; serial++) {
      numbers.add(TrackingNumber.issueImpb("055", "123456", serial).value());
    }
    return numbers;
  }

  private static ProblemException refusal(ThrowingCallable call) {
    ProblemException e = catchThrowableOfType(ProblemException.class, call);
    assertThat(e).as("a ProblemException").isNotNull();
    return e;
  }

  @Test
  void commasSeparateNumbers() {
    assertThat(NumberQuery.parse(FIRST + "," + SECOND + "," + THIRD).numbers())
        .containsExactly(FIRST, SECOND, THIRD);
  }

  @Test
  void newlinesSeparateNumbers() {
    assertThat(NumberQuery.parse(FIRST + "\n" + SECOND + "\r\n" + THIRD).numbers())
        .containsExactly(FIRST, SECOND, THIRD);
  }

  @Test
  void emptyEntriesBetweenSeparatorsAreSkipped() {
    assertThat(NumberQuery.parse(",\n" + FIRST + ",, ,\r\n\r\n" + SECOND + ",\n").numbers())
        .containsExactly(FIRST, SECOND);
  }

  @Test
  void spacesAndDashesInsideANumberAreIgnored() {
    assertThat(
            NumberQuery.parse(" 9400 1112 0620-6406-2607 87 , 9405-8036-9930-0124-2878-99")
                .numbers())
        .containsExactly(FIRST, SECOND);
  }

  @Test
  void lettersAreUpperCased() {
    assertThat(NumberQuery.parse("rb123456785gb").numbers()).containsExactly("RB123456785GB");
  }

  @Test
  void theRoutingPrefixIsRemoved() {
    assertThat(NumberQuery.parse("420 22153 " + FIRST).numbers()).containsExactly(FIRST);
  }

  @Test
  void duplicatesAreRemovedKeepingTheFirstSeenOrder() {
    String query =
        String.join(
            "\n",
            SECOND,
            FIRST,
            "9400 1112 0620 6406 2607 87",
            SECOND,
            "42078745" + FIRST,
            THIRD,
            "9400-1112-0620-6406-2607-87");

    assertThat(NumberQuery.parse(query).numbers()).containsExactly(SECOND, FIRST, THIRD);
  }

  @Test
  void anInvalidNumberIsKeptSoThatItGetsItsOwnError() {
    String wrongCheckDigit = "9434611206206407667131";

    assertThat(NumberQuery.parse(FIRST + "," + wrongCheckDigit).numbers())
        .containsExactly(FIRST, wrongCheckDigit);
  }

  @Test
  void thirtyFiveNumbersAreAccepted() {
    List<String> numbers = issued(NumberQuery.MAX);

    assertThat(NumberQuery.MAX).isEqualTo(35);
    assertThat(NumberQuery.parse(String.join(",", numbers)).numbers())
        .containsExactlyElementsOf(numbers);
  }

  @Test
  void thirtySixDistinctNumbersAreTooMany() {
    ProblemException e = refusal(() -> NumberQuery.parse(String.join(",", issued(36))));

    assertThat(e.type()).isEqualTo(ProblemType.TOO_MANY_NUMBERS);
    assertThat(e.detail()).contains("35");
  }

  @Test
  void thirtySixEntriesThatAreThirtyFiveNumbersAreAccepted() {
    List<String> entries = new ArrayList<>(issued(35));
    entries.add(entries.get(0).replaceAll("(....)", "$1 ").strip());

    assertThat(entries).hasSize(36);
    assertThat(NumberQuery.parse(String.join("\n", entries)).numbers())
        .containsExactlyElementsOf(issued(35));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   ", ",", "\n", " , \r\n , ", " - "})
  void aQueryWithoutNumbersIsRefused(String raw) {
    ProblemException e = refusal(() -> NumberQuery.parse(raw));

    assertThat(e.type()).isEqualTo(ProblemType.VALIDATION_FAILED);
  }
}
