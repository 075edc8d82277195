package org.waypost.tracking;

/**
 * Says why a tracking number was refused, in words meant for the person who typed it. The message
 * carries only the reason, never the number: whoever catches this decides whether to echo {@link
 * #normalized()} back.
 */
public final class InvalidTrackingNumberException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String normalized;

  public InvalidTrackingNumberException(String normalized, String detail) {
    super(detail);
    this.normalized = normalized;
  }

  public String normalized() {
    return normalized;
  }

  public String detail() {
    return getMessage();
  }

  /** A refused number is an ordinary outcome, thrown often, so no stack trace is recorded. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
