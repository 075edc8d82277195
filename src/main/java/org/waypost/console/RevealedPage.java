package org.waypost.console;

/**
 * The address behind an incident, shown once in answer to the reveal: it is not stored anywhere
 * else in readable form, and the page is not cached.
 */
public record RevealedPage(
    ConsolePage console, long incident, String scope, String address, long auditSeq) {
  /** "IP address" for a client incident, "network" for a prefix one. */
  public String what() {
    return "CLIENT".equals(scope) ? "IP address" : "network";
  }
}
