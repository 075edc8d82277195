package org.waypost.error;

import java.util.Map;

/**
 * The one exception domain code throws when it refuses a request for a reason the caller can fix or
 * should know about. The detail is shown to the client, so it must never carry anything the client
 * did not send itself.
 */
public class ProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ProblemType type;
  private final transient Map<String, Object> extensions;
  private final long retryAfterSeconds;

  public ProblemException(ProblemType type, String detail) {
    this(type, detail, Map.of(), 0);
  }

  public ProblemException(
      ProblemType type, String detail, Map<String, Object> extensions, long retryAfterSeconds) {
    super(detail, null, false, false);
    this.type = type;
    this.extensions = Map.copyOf(extensions);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /**
   * A problem that stands for a failure below it ({@code cause}), kept for operators: the client
   * still sees only {@code detail}.
   */
  protected ProblemException(
      ProblemType type, String detail, long retryAfterSeconds, Throwable cause) {
    super(detail, cause, false, false);
    this.type = type;
    this.extensions = Map.of();
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public ProblemType type() {
    return type;
  }

  public String detail() {
    return getMessage();
  }

  public Map<String, Object> extensions() {
    return extensions;
  }

  /** Seconds for a {@code Retry-After} header; 0 when none applies. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public static ProblemException validation(String detail) {
    return new ProblemException(ProblemType.VALIDATION_FAILED, detail);
  }

  public static ProblemException notFound(String detail) {
    return new ProblemException(ProblemType.NOT_FOUND, detail);
  }
}
