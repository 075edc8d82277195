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
    assertThat(e.detail()).contains("35").contains("36 were given");
    assertThat(e.phrase().arguments()).containsExactly(35, 36);
  }

  @Test
  void theTooManyErrorCountsEveryNumberGiven() {
    ProblemException e = refusal(() -> NumberQuery.read(String.join(" ", issued(41))));

    assertThat(e.type()).isEqualTo(ProblemType.TOO_MANY_NUMBERS);
    assertThat(e.detail()).contains("41 were given");
  }

  // ---- the pages' reading of typed and pasted text

  @Test
  void theApiKeepsTheContractsSeparators() {
    ProblemException e =
        catchThrowableOfType(
            InvalidTrackingNumberException.class,
            () -> TrackingNumber.parse(NumberQuery.parse(FIRST + " " + SECOND).numbers().get(0)));

    assertThat(NumberQuery.parse(FIRST + " " + SECOND).numbers())
        .as("a space is inside an entry for the API")
        .containsExactly(FIRST + SECOND);
    assertThat(e.detail()).contains("this one has 44");
    assertThat(NumberQuery.parse(FIRST + ";" + SECOND).numbers()).hasSize(1);
  }

  @Test
  void twoNumbersWithASpaceBetweenThemAreTwoNumbers() {
    assertThat(NumberQuery.read(FIRST + " " + SECOND + "  " + THIRD).numbers())
        .containsExactly(FIRST, SECOND, THIRD);
  }

  @Test
  void numbersPrintedInGroupsOfFourAreToldApart() {
    String printed = "9400 1112 0620 6406 2607 87 9405 8036 9930 0124 2878 99";

    assertThat(NumberQuery.read(printed).numbers()).containsExactly(FIRST, SECOND);
  }

  @Test
  void semicolonsAndFullWidthCommasSeparateNumbers() {
    assertThat(NumberQuery.read(FIRST + ";" + SECOND + "，" + THIRD).numbers())
        .containsExactly(FIRST, SECOND, THIRD);
  }

  @Test
  void aNumberIsFoundInsidePastedText() {
    assertThat(NumberQuery.read("Tracking #: 9400 1112 0620 6406 2607 87").numbers())
        .containsExactly(FIRST);
    assertThat(
            NumberQuery.read("Your order shipped! USPS tracking number " + SECOND + ".").numbers())
        .containsExactly(SECOND);
  }

  @Test
  void numbersAreFoundInACarriersTrackingAddress() {
    assertThat(
            NumberQuery.read(
                    "https://tools.usps.com/go/TrackConfirmAction?tRef=fullpage&tLabels="
                        + FIRST
                        + "%2C"
                        + SECOND)
                .numbers())
        .containsExactly(FIRST, SECOND);
    assertThat(NumberQuery.read("https://www.ups.com/track?tracknum=1Z5R89390357567127").numbers())
        .as("another carrier's number is found, to be told where to track it")
        .containsExactly("1Z5R89390357567127");
  }

  @Test
  void aNumberWithATypingErrorNextToAnotherIsKeptForItsOwnError() {
    String mistyped = "9405803699300124287898";

    assertThat(NumberQuery.read(FIRST + " " + mistyped).numbers()).containsExactly(FIRST, mistyped);
  }

  @Test
  void aDigitTooManyIsNotCutOffIntoAnotherNumber() {
    String oneTooMany = "9400 1112 0620 6406 2607 87 5";

    assertThat(NumberQuery.read(oneTooMany).numbers())
        .containsExactly(TrackingNumber.normalize(oneTooMany));
  }

  @Test
  void textWithoutANumberIsKeptForItsOwnError() {
    assertThat(NumberQuery.read("hello there").numbers()).containsExactly("HELLOTHERE");
  }

  @Test
  void theRoutingPrefixIsRemovedFromTypedText() {
    assertThat(NumberQuery.read("420 22153 " + FIRST).numbers()).containsExactly(FIRST);
  }

  @Test
  void semicolonsAloneAreNoNumbersOnThePage() {
    assertThat(refusal(() -> NumberQuery.read(" ; ;")).type())
        .isEqualTo(ProblemType.VALIDATION_FAILED);
  }

  @Test
  void tooMuchTextIsRefused() {
    ProblemException e = refusal(() -> NumberQuery.read("x".repeat(NumberQuery.MAX_TEXT + 1)));

    assertThat(e.type()).isEqualTo(ProblemType.VALIDATION_FAILED);
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
    for (ThrowingCallable reading :
        List.<ThrowingCallable>of(() -> NumberQuery.parse(raw), () -> NumberQuery.read(raw))) {
      ProblemException e = refusal(reading);

      assertThat(e.type()).isEqualTo(ProblemType.VALIDATION_FAILED);
      assertThat(e.phrase().key()).isEqualTo("query.empty");
    }
  }
}
