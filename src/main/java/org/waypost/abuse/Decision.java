package org.waypost.abuse;

/**
 * Whether a request may go ahead, and if not, which rule stopped it and for how long; for a lookup
 * block, the {@code incident} that records it (0 when there is none), which a person can quote to
 * the operator.
 */
public record Decision(Verdict verdict, String rule, long retryAfterSeconds, long incident) {
  public enum Verdict {
    ALLOWED,
    RATE_LIMITED,
    BLOCKED
  }

  static final Decision ALLOWED = new Decision(Verdict.ALLOWED, null, 0, 0);

  static Decision limited(String rule, long seconds) {
    return new Decision(Verdict.RATE_LIMITED, rule, Math.max(1, seconds), 0);
  }

  static Decision blocked(String rule, long seconds, long incident) {
    return new Decision(Verdict.BLOCKED, rule, Math.max(1, seconds), incident);
  }

  public boolean allowed() {
    return verdict == Verdict.ALLOWED;
  }
}
