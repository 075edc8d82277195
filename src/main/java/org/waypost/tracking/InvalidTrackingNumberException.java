package org.waypost.tracking;

import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;

/**
 * Says why a tracking number was refused, in words meant for the person who typed it: an {@code
 * invalid-tracking-number} problem. The detail carries only the reason, never the number: whoever
 * catches this decides whether to echo {@link #normalized()} back. A refused number is an ordinary
 * outcome, thrown often, so no stack trace is recorded.
 */
public final class InvalidTrackingNumberException extends ProblemException {
  private static final long serialVersionUID = 1L;

  private final String normalized;

  public InvalidTrackingNumberException(String normalized, String detail) {
    super(ProblemType.INVALID_TRACKING_NUMBER, detail);
    this.normalized = normalized;
  }

  public String normalized() {
    return normalized;
  }
}
