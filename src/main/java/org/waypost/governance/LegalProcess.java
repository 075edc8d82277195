package org.waypost.governance;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.waypost.error.ProblemException;

/** The kind of legal process behind a request; the transparency report counts requests by it. */
public enum LegalProcess {
  SUBPOENA("Subpoena"),
  COURT_ORDER("Court order"),
  SEARCH_WARRANT("Search warrant"),
  /**
   * A request made in an emergency (danger of death or serious injury). It is marked as such and
   * still needs a privacy operator's approval like any other.
   */
  EMERGENCY("Emergency request"),
  OTHER("Other");

  private static final String ALL =
      Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));

  private final String label;

  LegalProcess(String label) {
    this.label = label;
  }

  /** How people read it, e.g. "Search warrant". */
  public String label() {
    return label;
  }

  /**
   * Parses {@code SEARCH_WARRANT} (any case).
   *
   * @throws ProblemException {@code validation-failed} naming the field and the allowed values
   */
  public static LegalProcess parse(String text) {
    if (text != null) {
      String name = text.strip().toUpperCase(Locale.ROOT);
      for (LegalProcess process : values()) {
        if (process.name().equals(name)) {
          return process;
        }
      }
    }
    throw ProblemException.validation("legalProcess must be one of " + ALL);
  }
}
