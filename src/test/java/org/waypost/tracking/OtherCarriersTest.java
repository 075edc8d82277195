package org.waypost.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.waypost.json.Json;

/**
 * What a person who typed another carrier's number is told, and the reading of the courier
 * definitions that decides it. Every test number of the data is judged in CourierTestNumbersTest.
 */
class OtherCarriersTest {
  private static final String FEDEX = "https://www.fedex.com/apps/fedextrack/?tracknumbers=";
  private static final String PUROLATOR =
      "https://www.purolator.com/en/shipping/tracker?searchValue=";

  private static InvalidTrackingNumberException refusal(String raw) {
    InvalidTrackingNumberException e =
        catchThrowableOfType(InvalidTrackingNumberException.class, () -> TrackingNumber.parse(raw));
    assertThat(e).as("parse(%s) should throw", raw).isNotNull();
    return e;
  }

  private static List<String> names(InvalidTrackingNumberException e) {
    return e.carriers().stream().map(OtherCarrier::name).toList();
  }

  @Nested
  class Naming {
    @Test
    void namesEveryCarrierWhoseFormatAndCheckDigitMatch() {
      InvalidTrackingNumberException e = refusal("287809468872");

      assertThat(e.carriers())
          .containsExactly(
              new OtherCarrier("FedEx", FEDEX + "287809468872"),
              new OtherCarrier("Purolator", PUROLATOR + "287809468872"));
      assertThat(e.detail())
          .isEqualTo(
              "This looks like a FedEx or Purolator tracking number. Waypost only tracks"
                  + " USPS-format and international postal (S10) numbers; please track it with"
                  + " FedEx or Purolator.");
    }

    @Test
    void namesTheCarriersThatTheHandWrittenFormatsMissed() {
      assertThat(names(refusal("JFV247545960"))).containsExactly("DHL", "Purolator");
      assertThat(names(refusal("78045768393"))).containsExactly("DHL", "Old Dominion Freight Line");
      assertThat(refusal("C11031500001879").detail())
          .startsWith("This looks like an OnTrac tracking number.")
          .endsWith("please track it with OnTrac.");
    }

    @Test
    void namesThreeOrMoreCarriersAsAList() {
      List<OtherCarrier> carriers =
          List.of(
              new OtherCarrier("Amazon", null),
              new OtherCarrier("DHL", null),
              new OtherCarrier("UPS", null));

      assertThat(TrackingNumber.otherCarrierDetail(carriers))
          .startsWith("This looks like an Amazon, DHL or UPS tracking number.")
          .endsWith("please track it with Amazon, DHL or UPS.");
    }

    @Test
    void namesNoCarrierForZerosAlthoughTheirCheckDigitsPass() {
      // FedEx Express (12) and Purolator (12) both accept 0 as the check digit of 11 zeros.
      assertThat(
              new Checksum.WeightedSum(new int[] {3, 1, 7, 3, 1, 7, 3, 1, 7, 3, 1}, 11, 10)
                  .validates("00000000000", "0"))
          .isTrue();
      assertThat(new Checksum.Luhn(10).validates("00000000000", "0")).isTrue();

      InvalidTrackingNumberException e = refusal("000000000000");
      assertThat(e.carriers()).isEmpty();
      assertThat(e.extensions()).isEmpty();
      assertThat(e.detail())
          .isEqualTo("USPS tracking numbers have 20, 22, 26, 30 or 34 digits; this one has 12.");
      assertThat(refusal("000000000000000").carriers()).isEmpty(); // FedEx Ground's length
    }

    @Test
    void keepsAZeroSerialOfAFormatWithoutCheckDigit() {
      assertThat(names(refusal("TBA000000000000"))).containsExactly("Amazon");
    }

    @Test
    void givesNoTrackingPageWhereTheDefinitionHasNone() {
      assertThat(refusal("TBA502887274000").carriers())
          .containsExactly(new OtherCarrier("Amazon", null));
    }

    @Test
    void recognisesANumberWhoseDashWasRemoved() {
      assertThat(names(refusal("1LS7119013618127-1"))).containsExactly("LaserShip");
      assertThat(names(refusal("1LS71190136181271"))).containsExactly("LaserShip");
      assertThat(refusal("1LS7119013618127-2").carriers()).isEmpty();
    }

    @Test
    void leavesWaypostsOwnRefusalWhenNoCarrierMatches() {
      assertThat(refusal("9400111206206406260788").detail())
          .isEqualTo("The check digit does not match: please check for a typing error.");
      assertThat(refusal("9400111206206406260788").carriers()).isEmpty();
      assertThat(refusal("RX123456786US").carriers()).isEmpty(); // S10-shaped, DHL's prefix
    }

    @Test
    void theCarriersExtensionIsAListOfNamesAndTrackingPages() throws JsonProcessingException {
      InvalidTrackingNumberException e = refusal("1Z5R89390357567127");

      assertThat(Json.MAPPER.writeValueAsString(e.extensions()))
          .isEqualTo(
              "{\"carriers\":[{\"name\":\"UPS\",\"trackingUrl\":"
                  + "\"https://wwwapps.ups.com/WebTracking/track?track=yes&trackNums="
                  + "1Z5R89390357567127\"}]}");
      assertThat(e.getMessage()).doesNotContain("1Z5R89390357567127");
    }
  }

  @Nested
  class Checksums {
    @Test
    void luhnIsTheStandardOne() {
      Checksum luhn = new Checksum.Luhn(10);

      assertThat(luhn.validates("7992739871", "3")).isTrue();
      assertThat(luhn.validates("7992739871", "4")).isFalse();
    }

    @Test
    void mod7ReadsTheWholeSequenceWithoutOverflowing() {
      String sequence = "987654321098765432109876543210";
      String check = new BigInteger(sequence).mod(BigInteger.valueOf(7)).toString();

      assertThat(new Checksum.Mod7(7).validates(sequence, check)).isTrue();
      assertThat(new Checksum.Mod7(7).validates(sequence, check.equals("0") ? "1" : "0")).isFalse();
    }

    @Test
    void mod10CountsALetterAsItsCodeMinus3Mod10() {
      // UPS 1Z879E930346834440: the serial after "1Z", where E weighs (69 - 3) mod 10 = 6.
      Checksum ups = new Checksum.Mod10(1, 2, 10, false);

      assertThat(ups.validates("879E93034683444", "0")).isTrue();
      assertThat(ups.validates("879F93034683444", "0")).isFalse();
    }

    @Test
    void mod10ReversedWeighsFromTheRight() {
      // 4 * 3 + 3 * 1 + 2 * 3 + 1 * 1 = 22, so 8; from the left 1 * 3 + 2 + 3 * 3 + 4 = 18, so 2.
      assertThat(new Checksum.Mod10(3, 1, 10, true).validates("1234", "8")).isTrue();
      assertThat(new Checksum.Mod10(3, 1, 10, false).validates("1234", "2")).isTrue();
      assertThat(new Checksum.Mod10(3, 1, 10, false).validates("1234", "8")).isFalse();
    }

    @Test
    void s10ReadsRemaindersOf0And1AsCheckDigits5And0() {
      Checksum s10 = new Checksum.S10(new int[] {8, 6, 4, 2, 3, 5, 9, 7}, 11);

      assertThat(s10.validates("00000000", "5")).isTrue(); // remainder 0
      assertThat(s10.validates("00000000", "0")).isFalse();
      assertThat(s10.validates("02000000", "0")).isTrue(); // 2 * 6 = 12: remainder 1
      assertThat(s10.validates("12345678", "5")).isTrue(); // RB123456785GB: remainder 6
    }

    @Test
    void mod3736CanGiveALetter() {
      Checksum dpd = new Checksum.Mod3736(36, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");

      assertThat(dpd.validates("09980000020033", "F")).isTrue();
      assertThat(dpd.validates("09980000020033", "D")).isFalse();
    }
  }

  @Nested
  class Reading {
    @Test
    void honoursAnAdditionalLookupThatMustMatch() {
      // The data's S10 definition is the one with validation.additional: its country must be one
      // a postal service uses, so RB123456785XX fails with the right check digit.
      JsonNode s10 = readJson("/tracking-number-data/couriers/s10.json");
      CourierFormat format = CourierFormat.of(s10.path("tracking_numbers").get(0));

      assertThat(format.matches("RB123456785GB")).isTrue();
      assertThat(format.matches("RB123456785XX")).isFalse();
      assertThat(format.matches("RB123456786GB")).isFalse();
      for (JsonNode valid :
          s10.path("tracking_numbers").get(0).path("test_numbers").path("valid")) {
        assertThat(format.matches(TrackingNumber.normalize(valid.asText())))
            .as(valid.asText())
            .isTrue();
      }
    }

    @Test
    void refusesAChecksumItDoesNotKnow() {
      assertThatIllegalStateException()
          .isThrownBy(() -> load(courier("\"validation\": {\"checksum\": {\"name\": \"mod11\"}}")))
          .withMessageContaining("Example")
          .withMessageContaining("unknown checksum \"mod11\"");
    }

    @Test
    void refusesAValidationItDoesNotKnow() {
      assertThatIllegalStateException()
          .isThrownBy(() -> load(courier("\"validation\": {\"exclude\": [\"000\"]}")))
          .withMessageContaining("unknown validation \"exclude\"");
    }

    @Test
    void refusesAChecksumWithoutACheckDigitGroup() {
      String noCheckDigit =
          """
          {"name": "Example", "tracking_numbers": [{"name": "Example (3)",
            "regex": "(?<SerialNumber>[0-9]{3})",
            "validation": {"checksum": {"name": "luhn"}}}]}
          """;
      assertThatIllegalStateException()
          .isThrownBy(() -> load(noCheckDigit))
          .withMessageContaining("Example (3)")
          .withMessageContaining("needs a CheckDigit group");
    }

    @Test
    void refusesATrackingUrlWithoutAPlaceForTheNumber() {
      assertThatIllegalStateException()
          .isThrownBy(
              () ->
                  load(
                      courier(
                          "\"validation\": {}, \"tracking_url\": \"https://example.com/track\"")))
          .withMessageContaining("tracking_url");
    }

    @Test
    void ordersCarriersByNameWhateverTheFileOrder() {
      OtherCarriers carriers =
          OtherCarriers.of(
              List.of(
                  parse(courier("\"validation\": {}").replace("Example", "Zeta")),
                  parse(courier("\"validation\": {}").replace("Example", "Alpha"))));

      assertThat(carriers.matching("EX123"))
          .extracting(OtherCarrier::name)
          .containsExactly("Alpha", "Zeta");
      assertThat(carriers.matching("EX12")).isEmpty();
    }

    @Test
    void dropsOnlyTheDashesOutsideCharacterClasses() {
      assertThat(CourierFormat.withoutDashes("[A-Z]\\-?1-\\s*2[-0]"))
          .isEqualTo("[A-Z]\\-?1\\s*2[-0]");
    }

    private static String courier(String validation) {
      return """
          {"name": "Example", "tracking_numbers": [{"name": "Example (5)",
            "regex": "E\\\\s*X\\\\s*(?<SerialNumber>([0-9]\\\\s*){2})(?<CheckDigit>[0-9])",
            %s}]}
          """
          .formatted(validation);
    }

    private static OtherCarriers load(String json) {
      return OtherCarriers.of(List.of(parse(json)));
    }
  }

  private static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode readJson(String resource) {
    try (InputStream in = OtherCarriersTest.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
