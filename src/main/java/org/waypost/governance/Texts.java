package org.waypost.governance;

import org.waypost.error.ProblemException;

/** The check of the short free texts operators enter: names, authorities, statements. */
final class Texts {
  private Texts() {}

  /**
   * {@code value} stripped, when it is 1 to {@code max} characters without control characters.
   *
   * @param subject what the value is, as the messages name it ("an operator name", "authority")
   * @throws ProblemException {@code validation-failed} otherwise
   */
  static String checked(String value, String subject, int max) {
    String clean = value == null ? "" : value.strip();
    if (clean.isEmpty() || clean.length() > max) {
      throw ProblemException.validation(subject + " must be 1 to " + max + " characters");
    }
    if (clean.chars().anyMatch(Character::isISOControl)) {
      throw ProblemException.validation(subject + " may not contain control characters");
    }
    return clean;
  }
}
