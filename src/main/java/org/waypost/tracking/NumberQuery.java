package org.waypost.tracking;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;

/**
 * The numbers a visitor asked for at once: 1 to {@value #MAX}, separated by commas or newlines,
 * each normalized, duplicates removed and the order kept.
 */
public record NumberQuery(List<String> numbers) {
  public static final int MAX = 35;

  public NumberQuery {
    numbers = List.copyOf(numbers);
  }

  public static NumberQuery parse(String raw) {
    Set<String> unique = new LinkedHashSet<>();
    if (raw != null) {
      for (String entry : raw.split("[,\\r\\n]")) {
        String normalized = TrackingNumber.normalize(entry);
        if (!normalized.isEmpty()) {
          unique.add(normalized);
        }
        if (unique.size() > MAX) {
          throw new ProblemException(
              ProblemType.TOO_MANY_NUMBERS,
              "Up to " + MAX + " tracking numbers can be looked up at once.");
        }
      }
    }
    if (unique.isEmpty()) {
      throw ProblemException.validation("Enter at least one tracking number.");
    }
    return new NumberQuery(new ArrayList<>(unique));
  }
}
