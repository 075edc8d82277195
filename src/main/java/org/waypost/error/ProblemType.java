package org.waypost.error;

/**
 * The catalogue of RFC 9457 problem types Waypost answers with. Domain code names one of these when
 * it refuses something; the web layer turns it into {@code application/problem+json}.
 */
public enum ProblemType {
  INVALID_TRACKING_NUMBER(400, "Invalid tracking number"),
  NOT_FOUND(404, "Not found"),
  TOO_MANY_NUMBERS(400, "Too many tracking numbers"),
  UNAUTHORIZED(401, "Unauthorized"),
  FORBIDDEN(403, "Forbidden"),
  VALIDATION_FAILED(400, "Validation failed"),
  RATE_LIMITED(429, "Too many requests"),
  BLOCKED(429, "Blocked"),
  PAYLOAD_TOO_LARGE(413, "Payload too large"),
  CONFLICT(409, "Conflict"),
  METHOD_NOT_ALLOWED(405, "Method not allowed"),
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
  UNAVAILABLE(503, "Service unavailable"),
  BAD_REQUEST(400, "Bad request"),
  URI_TOO_LONG(414, "URI too long"),
  HEADERS_TOO_LARGE(431, "Request header fields too large"),
  INTERNAL_ERROR(500, "Internal server error");

  private final int status;
  private final String title;
  private final String slug;
  private final String uri;

  ProblemType(int status, String title) {
    this.status = status;
    this.title = title;
    this.slug = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    this.uri = "/problems/" + slug;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  /** The type's name in its URI, e.g. {@code not-found}. */
  public String slug() {
    return slug;
  }

  /** The type of this slug; null when there is none. */
  public static ProblemType ofSlug(String slug) {
    for (ProblemType type : values()) {
      if (type.slug.equals(slug)) {
        return type;
      }
    }
    return null;
  }

  /** The relative URI used as the problem's {@code type}, e.g. {@code /problems/not-found}. */
  public String uri() {
    return uri;
  }
}
