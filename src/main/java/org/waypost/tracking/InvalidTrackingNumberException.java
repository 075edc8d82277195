package org.waypost.tracking;

import java.util.List;
import java.util.Map;

/**
 * Says why a tracking number was refused, in words meant for the person who typed it. The message
 * carries only the reason, never the number: whoever catches this decides whether to echo {@link
 * #normalized()} back.
 *
 * <p>When the number is another carrier's, {@link #carriers()} names them with their tracking pages
 * (which do hold the number), for the problem's {@code carriers} extension: see {@link
 * #extensions()}.
 */
public final class InvalidTrackingNumberException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String normalized;
  private final transient List<OtherCarrier> carriers;

  public InvalidTrackingNumberException(String normalized, String detail) {
    this(normalized, detail, List.of());
  }

  public InvalidTrackingNumberException(
      String normalized, String detail, List<OtherCarrier> carriers) {
    super(detail);
    this.normalized = normalized;
    this.carriers = List.copyOf(carriers);
  }

  public String normalized() {
    return normalized;
  }

  public String detail() {
    return getMessage();
  }

  /** The other carriers whose format the number matches, by name; empty when none does. */
  public List<OtherCarrier> carriers() {
    return carriers;
  }

  /**
   * The extension members of the {@code invalid-tracking-number} problem: {@code carriers}, a list
   * of {@code {"name", "trackingUrl"}}, when the number matches another carrier's format; none
   * otherwise.
   */
  public Map<String, Object> extensions() {
    return carriers.isEmpty() ? Map.of() : Map.of("carriers", carriers);
  }

  /** A refused number is an ordinary outcome, thrown often, so no stack trace is recorded. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
