package org.waypost.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Rules of TrackingNumber that the courier test data does not pin down on its own. */
class TrackingNumberTest {

  private static InvalidTrackingNumberException refusal(String raw) {
    InvalidTrackingNumberException e =
        catchThrowableOfType(InvalidTrackingNumberException.class, () -> TrackingNumber.parse(raw));
    assertThat(e).as("parse(%s) should throw", raw).isNotNull();
    return e;
  }

  @Nested
  class Normalize {
    @Test
    void removesSpacesDashesAndTheRoutingPrefix() {
      assertThat(TrackingNumber.normalize("420 22032 9400-1112-0620-6406-2607-87"))
          .isEqualTo("9400111206206406260787");
    }

    @Test
    void removesUnicodeSpacesDashesAndInvisibleCharacters() {
      // no-break space, en dash, em dash, non-breaking hyphen, minus sign, ideographic space,
      // zero-width space, tab
      String raw = "9400\u00a01112\u20130620\u20146406\u20112607\u2212\u30008\u200b7\t";
      assertThat(TrackingNumber.normalize(raw)).isEqualTo("9400111206206406260787");
    }

    @Test
    void upperCasesLetters() {
      assertThat(TrackingNumber.normalize(" rb 123 456 785 gb ")).isEqualTo("RB123456785GB");
    }

    @Test
    void returnsEmptyForNull() {
      assertThat(TrackingNumber.normalize(null)).isEmpty();
    }

    @Test
    void keepsA420PrefixWhenWhatFollowsIsNotAUspsSerial() {
      assertThat(TrackingNumber.normalize("420000000000000000000000000000"))
          .isEqualTo("420000000000000000000000000000");
    }

    @Test
    void stripsAZip9PrefixWhenThatReadingIsTheValidOne() {
      // Read as 420 + ZIP5 12345, the rest is 93019400111206206406260787: a 26-digit IMpb shape
      // whose check digit should be 6, not 7. Read as 420 + ZIP9 123459301, the rest is valid.
      assertThat(TrackingNumber.normalize("4201234593019400111206206406260787"))
          .isEqualTo("9400111206206406260787");
    }

    @Test
    void stripsAZip5PrefixWhenThatReadingIsTheValidOne() {
      // Read as 420 + ZIP9 123459301, the rest is 9300000000000000000429: a 22-digit IMpb shape
      // whose check digit should be 0, not 9. Read as 420 + ZIP5 12345, the rest is valid.
      assertThat(TrackingNumber.normalize("4201234593019300000000000000000429"))
          .isEqualTo("93019300000000000000000429");
    }

    @Test
    void isIdempotent() {
      String once = TrackingNumber.normalize("420 22153 9101026837331000039521");
      assertThat(TrackingNumber.normalize(once)).isEqualTo(once);
    }
  }

  @Nested
  class Parse {
    @Test
    void acceptsLowerCaseS10() {
      TrackingNumber number = TrackingNumber.parse("rb123456785gb");

      assertThat(number.value()).isEqualTo("RB123456785GB");
      assertThat(number.scheme()).isEqualTo(TrackingNumber.Scheme.S10);
      assertThat(number.international()).isTrue();
      assertThat(number.issuingCountry()).isEqualTo("GB");
    }

    @Test
    void uspsNumbersAreDomesticAndIssuedInTheUs() {
      TrackingNumber number = TrackingNumber.parse("420 22032 9400 1112 0620 6406 2607 87");

      assertThat(number.value()).isEqualTo("9400111206206406260787");
      assertThat(number.scheme()).isEqualTo(TrackingNumber.Scheme.IMPB);
      assertThat(number.international()).isFalse();
      assertThat(number.issuingCountry()).isEqualTo("US");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"9101 1234 5678 9000 0000 13", "0307 1790 0005 2348 3741"})
    void legacyNumbersHaveTheLegacyScheme(String raw) {
      assertThat(TrackingNumber.parse(raw).scheme())
          .as(raw)
          .isEqualTo(TrackingNumber.Scheme.USPS_LEGACY);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullAndEmptySource
    @ValueSource(strings = {"   ", " - \u2013 "})
    void asksForANumberWhenThereIsNone(String raw) {
      assertThat(refusal(raw).detail()).as("\"%s\"", raw).isEqualTo("Enter a tracking number.");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"9400.1112.0620.6406.2607.87", "RB123456785G\u00e9", "9400/11"})
    void refusesCharactersOtherThanLettersAndDigits(String raw) {
      assertThat(refusal(raw).detail())
          .as(raw)
          .isEqualTo("A tracking number can only contain letters and digits.");
    }

    @Test
    void saysHowManyDigitsAUspsNumberHas() {
      assertThat(refusal("94001112062064062").detail())
          .isEqualTo("USPS tracking numbers have 20, 22, 26, 30 or 34 digits; this one has 17.");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"9400111206206406260788", "RB123456786GB", "0307 1790 0005 2348 3742"})
    void reportsAWrongCheckDigit(String raw) {
      assertThat(refusal(raw).detail())
          .as(raw)
          .isEqualTo("The check digit does not match: please check for a typing error.");
    }

    @Test
    void reportsAnUnknownCountry() {
      assertThat(refusal("RB123456785XX").detail()).isEqualTo("XX is not a postal country code.");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
        strings = {
          "9200000000000000000000", // AI 92 needs a 9-digit mailer ID, which starts with 9
          "9300090000000000000000", // AI 93 needs a 6-digit mailer ID, which does not
          "9400000000000000000000000000", // 28 digits: too long a package ID for any MID
          "9000000000000000000000",
          "420000000000000000000000000000"
        })
    void refusesDigitsOfTheRightLengthThatFollowNoUspsFormat(String raw) {
      assertThat(refusal(raw).detail()).as(raw).doesNotContain("check digit");
    }

    @Test
    void refusesLettersThatAreNotAnS10Number() {
      assertThat(refusal("RB12345678GB").detail()).contains("2 letters, 9 digits and 2 letters");
    }

    @Test
    void namesTheCarrierOfAnotherCarriersNumber() {
      assertThat(refusal("1Z879E930346834440").detail())
          .isEqualTo(
              "This looks like a UPS tracking number. Waypost only tracks USPS-format and"
                  + " international postal (S10) numbers; please track it with UPS.");
    }

    @Test
    void leavesAnS10ShapedNumberToThePostalServicesEvenWithADhlPrefix() {
      // LX12345678 has S10 check digit 5; DHL eCommerce numbers may also start with LX.
      assertThat(refusal("LX123456784CN").detail()).contains("check digit");
      assertThat(refusal("LX123456784CN").carriers()).isEmpty();
    }

    @Test
    void theRefusalCarriesTheNormalizedNumberButItsMessageDoesNot() {
      InvalidTrackingNumberException e = refusal("9400 1112 0620 6406 2607 88");

      assertThat(e.normalized()).isEqualTo("9400111206206406260788");
      assertThat(e.getMessage()).isEqualTo(e.detail()).doesNotContain("9400");
      assertThat(e.getStackTrace()).isEmpty();
    }
  }

  @Nested
  class Construct {
    @Test
    void refusesAnInvalidValue() {
      assertThatIllegalArgumentException()
          .isThrownBy(
              () -> new TrackingNumber("9400111206206406260788", TrackingNumber.Scheme.IMPB));
    }

    @Test
    void refusesTheWrongScheme() {
      assertThatIllegalArgumentException()
          .isThrownBy(
              () -> new TrackingNumber("9400111206206406260787", TrackingNumber.Scheme.S10));
    }

    @Test
    void refusesAValueThatStillHasItsRoutingPrefix() {
      assertThatIllegalArgumentException()
          .isThrownBy(
              () ->
                  new TrackingNumber("420220329400111206206406260787", TrackingNumber.Scheme.IMPB));
    }
  }

  @Nested
  class IssueImpb {
    @Test
    void computesTheCheckDigit() {
      // Data 94 001 123456 0000000042. From the rightmost digit leftwards, weights 3, 1, 3, ...:
      // 2*3 + 4*1 + (eight zeros) + 6*3 + 5*1 + 4*3 + 3*1 + 2*3 + 1*1 + 1*3 + 0*1 + 0*3 + 4*1 + 9*3
      // = 6 + 4 + 18 + 5 + 12 + 3 + 6 + 1 + 3 + 4 + 27 = 89; check = (10 - 89 % 10) % 10 = 1.
      TrackingNumber number = TrackingNumber.issueImpb("001", "123456", 42);

      assertThat(number.value()).isEqualTo("9400112345600000000421");
      assertThat(number.scheme()).isEqualTo(TrackingNumber.Scheme.IMPB);
    }

    @ParameterizedTest(name = "STC {0}, MID {1}, serial {2}")
    @CsvSource({
      "001, 123456, 0",
      "001, 123456, 1",
      "612, 800000, 4815162342",
      "361, 000000, 9999999999",
      "001, 912345678, 0",
      "612, 999999999, 1234567",
      "361, 900000000, 9999999"
    })
    void roundTripsThroughParse(String serviceTypeCode, String mailerId, long serial) {
      TrackingNumber issued = TrackingNumber.issueImpb(serviceTypeCode, mailerId, serial);

      String paddedSerial = String.format("%0" + (mailerId.length() == 9 ? 7 : 10) + "d", serial);
      assertThat(issued.value())
          .as("issued %s", issued.value())
          .hasSize(22)
          .startsWith("94" + serviceTypeCode + mailerId + paddedSerial);
      assertThat(TrackingNumber.parse(issued.value())).as(issued.value()).isEqualTo(issued);
      assertThat(TrackingNumber.parse("420 90210 " + issued.value())).isEqualTo(issued);
    }

    @ParameterizedTest(name = "MID {0}, serial {1}")
    @CsvSource({"123456, 10000000000", "912345678, 10000000", "123456, -1", "912345678, -1"})
    void refusesASerialThatDoesNotFit(String mailerId, long serial) {
      assertThatIllegalArgumentException()
          .as("MID %s, serial %d", mailerId, serial)
          .isThrownBy(() -> TrackingNumber.issueImpb("001", mailerId, serial));
    }

    @ParameterizedTest(name = "STC {0}, MID {1}")
    @CsvSource(
        nullValues = "null",
        value = {
          "01, 123456",
          "0011, 123456",
          "00a, 123456",
          "null, 123456",
          "001, 12345",
          "001, 1234567",
          "001, 812345678", // nine digits, but a 9-digit MID starts with 9
          "001, 91234567",
          "001, 12345a",
          "001, null"
        })
    void refusesMalformedArguments(String serviceTypeCode, String mailerId) {
      assertThatIllegalArgumentException()
          .as("STC %s, MID %s", serviceTypeCode, mailerId)
          .isThrownBy(() -> TrackingNumber.issueImpb(serviceTypeCode, mailerId, 1));
    }
  }

  @Nested
  class IssueS10 {
    @Test
    void computesTheCheckDigit() {
      // Serial 12345678, weights 8 6 4 2 3 5 9 7:
      // 1*8 + 2*6 + 3*4 + 4*2 + 5*3 + 6*5 + 7*9 + 8*7 = 8 + 12 + 12 + 8 + 15 + 30 + 63 + 56 = 204;
      // 204 % 11 = 6 (11 * 18 = 198); check = 11 - 6 = 5.
      assertThat(TrackingNumber.issueS10("RB", 12_345_678, "GB").value())
          .isEqualTo("RB123456785GB");
    }

    @Test
    void readsCheckValuesTenAndElevenAsZeroAndFive() {
      // 00000000: sum 0, 0 % 11 = 0, 11 - 0 = 11, read as 5.
      assertThat(TrackingNumber.issueS10("EE", 0, "US").value()).isEqualTo("EE000000005US");
      // 00000008: sum 8 * 7 = 56, 56 % 11 = 1, 11 - 1 = 10, read as 0.
      assertThat(TrackingNumber.issueS10("EE", 8, "US").value()).isEqualTo("EE000000080US");
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({"RB, 12345678, GB", "EE, 0, US", "LX, 99999999, CN", "CP, 4711, DE", "RR, 1, CV"})
    void roundTripsThroughParse(String serviceIndicator, long serial, String country) {
      TrackingNumber issued = TrackingNumber.issueS10(serviceIndicator, serial, country);

      assertThat(issued.value())
          .as("issued %s", issued.value())
          .hasSize(13)
          .startsWith(serviceIndicator + String.format("%08d", serial))
          .endsWith(country);
      assertThat(issued.issuingCountry()).isEqualTo(country);
      assertThat(TrackingNumber.parse(issued.value())).as(issued.value()).isEqualTo(issued);
    }

    @ParameterizedTest(name = "serial {0}")
    @ValueSource(longs = {100_000_000L, -1L, Long.MAX_VALUE})
    void refusesASerialThatDoesNotFit(long serial) {
      assertThatIllegalArgumentException()
          .as("serial %d", serial)
          .isThrownBy(() -> TrackingNumber.issueS10("RB", serial, "GB"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(
        nullValues = "null",
        value = {"RB, XX", "RB, gb", "RB, null", "R, GB", "R1, GB", "rb, GB", "null, GB"})
    void refusesMalformedArguments(String serviceIndicator, String country) {
      assertThatIllegalArgumentException()
          .as("%s %s", serviceIndicator, country)
          .isThrownBy(() -> TrackingNumber.issueS10(serviceIndicator, 1, country));
    }
  }
}
