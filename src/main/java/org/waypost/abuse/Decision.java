package org.waypost.abuse;

/** Whether a request may go ahead, and if not, which rule stopped it and for how long. */
public record Decision(Verdict verdict, String rule, long retryAfterSeconds) {
  public enum Verdict {
    ALLOWED,
    RATE_LIMITED,
    BLOCKED
  }

  static final Decision ALLOWED = new Decision(Verdict.ALLOWED, null, 0);

  static Decision limited(String rule, long seconds) {
    return new Decision(Verdict.RATE_LIMITED, rule, Math.max(1, seconds));
  }

  static Decision blocked(String rule, long seconds) {
    return new Decision(Verdict.BLOCKED, rule, Math.max(1, seconds));
  }

  public boolean allowed() {
    return verdict == Verdict.ALLOWED;
  }
}
