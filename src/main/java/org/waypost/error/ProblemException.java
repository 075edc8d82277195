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
  private final transient Phrase phrase;

  public ProblemException(ProblemType type, String detail) {
    this(type, detail, Map.of(), 0, null);
  }

  /** A problem whose detail the public pages word in the reader's language. */
  public ProblemException(ProblemType type, String detail, Phrase phrase) {
    this(type, detail, Map.of(), 0, phrase);
  }

  public ProblemException(
      ProblemType type, String detail, Map<String, Object> extensions, long retryAfterSeconds) {
    this(type, detail, extensions, retryAfterSeconds, null);
  }

  /**
   * @param phrase the detail as pages word it in other languages; null when the English detail is
   *     the only wording (problems only operators and scripts see)
   */
  public ProblemException(
      ProblemType type,
      String detail,
      Map<String, Object> extensions,
      long retryAfterSeconds,
      Phrase phrase) {
    super(detail, null, false, false);
    this.type = type;
    this.extensions = Map.copyOf(extensions);
    this.retryAfterSeconds = retryAfterSeconds;
    this.phrase = phrase;
  }

  /**
   * A problem that stands for a failure below it ({@code cause}), kept for operators: the client
   * still sees only {@code detail}.
   */
  protected ProblemException(
      ProblemType type, String detail, Phrase phrase, long retryAfterSeconds, Throwable cause) {
    super(detail, cause, false, false);
    this.type = type;
    this.extensions = Map.of();
    this.retryAfterSeconds = retryAfterSeconds;
    this.phrase = phrase;
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

  /** The detail as the public pages word it; null when there is only the English detail. */
  public Phrase phrase() {
    return phrase;
  }

  public static ProblemException validation(String detail) {
    return new ProblemException(ProblemType.VALIDATION_FAILED, detail);
  }

  public static ProblemException validation(String detail, Phrase phrase) {
    return new ProblemException(ProblemType.VALIDATION_FAILED, detail, phrase);
  }

  public static ProblemException notFound(String detail) {
    return new ProblemException(ProblemType.NOT_FOUND, detail);
  }
}
