package org.waypost.tracking;

import java.util.List;
import java.util.Map;
import org.waypost.error.Phrase;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;

/**
 * Says why a tracking number was refused, in words meant for the person who typed it: an {@code
 * invalid-tracking-number} problem. The detail carries only the reason, never the number: whoever
 * catches this decides whether to echo {@link #normalized()} back. A refused number is an ordinary
 * outcome, thrown often, so no stack trace is recorded.
 *
 * <p>When the number is another carrier's, {@link #carriers()} names them with their tracking pages
 * (which do hold the number), as the problem's {@code carriers} extension: see {@link
 * #extensions()}.
 */
public final class InvalidTrackingNumberException extends ProblemException {
  private static final long serialVersionUID = 1L;

  private final String normalized;
  private final transient List<OtherCarrier> carriers;

  public InvalidTrackingNumberException(
      String normalized, String detail, Phrase phrase, List<OtherCarrier> carriers) {
    super(
        ProblemType.INVALID_TRACKING_NUMBER,
        detail,
        carriers.isEmpty() ? Map.of() : Map.of("carriers", List.copyOf(carriers)),
        0,
        phrase);
    this.normalized = normalized;
    this.carriers = List.copyOf(carriers);
  }

  public String normalized() {
    return normalized;
  }

  /** The other carriers whose format the number matches, by name; empty when none does. */
  public List<OtherCarrier> carriers() {
    return carriers;
  }
}
