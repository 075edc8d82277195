package org.waypost.tracking;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A check digit algorithm of jkeen/tracking_number_data, with the constants its courier definition
 * gives. Each one computes exactly what the dataset's reference implementation (the tracking_number
 * gem's ChecksumValidations, quoted in the dataset's CHECKSUM_ALGORITHMS.md) computes, including
 * its quirks: a letter counts as (code - 3) mod 10 in mod 10, as 0 where the gem reads it with
 * {@code to_i}, and a check digit is read the same way. Where the gem hard-codes a constant that
 * the definition also carries (the modulo of mod 10 and Luhn, the weights of S10), the definition's
 * value is used, as the dataset's own site does; the two agree for every definition in the data.
 */
sealed interface Checksum {

  /** Whether {@code checkDigit} is the check digit of {@code sequence}. */
  boolean validates(String sequence, String checkDigit);

  /** The algorithm a definition's {@code validation.checksum} block names. */
  static Checksum of(JsonNode config) {
    String name = config.path("name").asText();
    return switch (name) {
      case "mod10" ->
          new Mod10(
              intOr(config, "evens_multiplier", 1),
              intOr(config, "odds_multiplier", 1),
              intOr(config, "modulo", 10),
              config.path("reverse").asBoolean(false));
      case "mod7" -> new Mod7(intOr(config, "modulo", 7));
      case "luhn" -> new Luhn(intOr(config, "modulo", 10));
      case "s10" ->
          new S10(
              weightsOr(config, new int[] {8, 6, 4, 2, 3, 5, 9, 7}), intOr(config, "modulo", 11));
      case "sum_product_with_weightings_and_modulo" ->
          new WeightedSum(
              weightsOr(config, null), required(config, "modulo1"), required(config, "modulo2"));
      case "mod_37_36" ->
          new Mod3736(
              intOr(config, "modulo", 36),
              config.path("alphabet").asText("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
      default -> throw new IllegalArgumentException("unknown checksum \"" + name + "\"");
    };
  }

  /**
   * Mod 10: each character's value (a letter's is its code minus 3, mod 10) times the evens or the
   * odds multiplier by its 0-based position, from the left or, reversed, from the right; the check
   * digit is what brings the sum to a multiple of the modulo.
   */
  record Mod10(int evensMultiplier, int oddsMultiplier, int modulo, boolean reverse)
      implements Checksum {
    @Override
    public boolean validates(String sequence, String checkDigit) {
      int total = 0;
      int length = sequence.length();
      for (int i = 0; i < length; i++) {
        char c = sequence.charAt(reverse ? length - 1 - i : i);
        int value = isDigit(c) ? c - '0' : (c - 3) % 10;
        total += value * (i % 2 == 1 ? oddsMultiplier : evensMultiplier);
      }
      return complement(total, modulo) == leadingInteger(checkDigit);
    }
  }

  /** Mod 7: the sequence read as one number, mod 7, is the check digit. */
  record Mod7(int modulo) implements Checksum {
    @Override
    public boolean validates(String sequence, String checkDigit) {
      // The gem reads the sequence with to_i, which is arbitrary precision: a running remainder
      // gives the same answer without overflowing.
      int remainder = 0;
      for (int i = 0; i < sequence.length() && isDigit(sequence.charAt(i)); i++) {
        remainder = (remainder * 10 + sequence.charAt(i) - '0') % modulo;
      }
      return remainder == leadingInteger(checkDigit);
    }
  }

  /**
   * Luhn: from the rightmost character leftwards, every other digit (starting with the rightmost)
   * doubled, 9 taken off a product over 9; the check digit brings the sum to a multiple of 10.
   */
  record Luhn(int modulo) implements Checksum {
    @Override
    public boolean validates(String sequence, String checkDigit) {
      int total = 0;
      for (int i = 0; i < sequence.length(); i++) {
        int value = digitValue(sequence.charAt(sequence.length() - 1 - i));
        if (i % 2 == 0) {
          value *= 2;
        }
        total += value > 9 ? value - 9 : value;
      }
      return complement(total, modulo) == leadingInteger(checkDigit);
    }
  }

  /** UPU S10: the weighted sum mod 11; a remainder of 1 gives 0, of 0 gives 5, else 11 minus it. */
  record S10(int[] weights, int modulo) implements Checksum {
    @Override
    public boolean validates(String sequence, String checkDigit) {
      int remainder = weightedSum(sequence, weights) % modulo;
      int check =
          switch (remainder) {
            case 1 -> 0;
            case 0 -> 5;
            default -> modulo - remainder;
          };
      return check == leadingInteger(checkDigit);
    }
  }

  /** FedEx's: the weighted sum mod modulo1, then mod modulo2, is the check digit. */
  record WeightedSum(int[] weights, int modulo1, int modulo2) implements Checksum {
    @Override
    public boolean validates(String sequence, String checkDigit) {
      return weightedSum(sequence, weights) % modulo1 % modulo2 == leadingInteger(checkDigit);
    }
  }

  /**
   * DPD's ISO 7064 mod 37/36 (hybrid): a running value from 36, for each character add its value (a
   * letter's is 10 to 35), take 36 off when over 36, double, take 37 off when over 36; the check
   * character is the alphabet's at 37 minus the result (0 for 36).
   */
  record Mod3736(int modulo, String alphabet) implements Checksum {
    @Override
    public boolean validates(String sequence, String checkDigit) {
      int running = modulo;
      for (int i = 0; i < sequence.length(); i++) {
        char c = sequence.charAt(i);
        running += c >= 'A' && c <= 'Z' ? c - 'A' + 10 : digitValue(c);
        if (running > modulo) {
          running -= modulo;
        }
        running *= 2;
        if (running > modulo) {
          running -= modulo + 1;
        }
      }
      int expected = modulo + 1 - running;
      if (expected == modulo) {
        expected = 0;
      }
      return checkDigit.length() == 1
          && expected < alphabet.length()
          && alphabet.charAt(expected) == checkDigit.charAt(0);
    }
  }

  // ---- what the algorithms share

  /** The sum of each character's digit value times its weight; positions past the weights add 0. */
  private static int weightedSum(String sequence, int[] weights) {
    int total = 0;
    for (int i = 0; i < sequence.length() && i < weights.length; i++) {
      total += digitValue(sequence.charAt(i)) * weights[i];
    }
    return total;
  }

  /** What brings {@code total} up to a multiple of {@code modulo}: 0 when it already is one. */
  private static int complement(int total, int modulo) {
    int remainder = total % modulo;
    return remainder == 0 ? 0 : modulo - remainder;
  }

  /** A character read as Ruby's {@code to_i} reads it: a digit's value, else 0. */
  private static int digitValue(char c) {
    return isDigit(c) ? c - '0' : 0;
  }

  /** A string read as Ruby's {@code to_i} reads it: its leading digits, else 0. */
  private static int leadingInteger(String s) {
    int value = 0;
    for (int i = 0; i < s.length() && isDigit(s.charAt(i)); i++) {
      value = value * 10 + s.charAt(i) - '0';
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int intOr(JsonNode config, String key, int fallback) {
    JsonNode value = config.path(key);
    if (value.isMissingNode() || value.isNull()) {
      return fallback;
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() <= 0) {
      throw new IllegalArgumentException(key + " must be a positive integer, not " + value);
    }
    return value.intValue();
  }

  private static int required(JsonNode config, String key) {
    if (!config.has(key)) {
      throw new IllegalArgumentException(config.path("name").asText() + " needs " + key);
    }
    return intOr(config, key, 0);
  }

  private static int[] weightsOr(JsonNode config, int[] fallback) {
    JsonNode weightings = config.path("weightings");
    if (weightings.isMissingNode()) {
      if (fallback == null) {
        throw new IllegalArgumentException(config.path("name").asText() + " needs weightings");
      }
      return fallback;
    }
    int[] weights = new int[weightings.size()];
    for (int i = 0; i < weights.length; i++) {
      if (!weightings.get(i).isIntegralNumber()) {
        throw new IllegalArgumentException("weightings must be integers, not " + weightings);
      }
      weights[i] = weightings.get(i).intValue();
    }
    return weights;
  }
}
