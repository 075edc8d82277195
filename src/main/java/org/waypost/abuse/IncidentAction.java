package org.waypost.abuse;

/**
 * What a security operator did about an incident, each with a reason and an audit entry. Stored in
 * {@code incident_actions} under these names.
 */
public enum IncidentAction {
  /** The block was lifted before its time. */
  UNBLOCKED("incident.unblock"),
  /** The incident's network may look up unhindered for a while: no block, no rate limit. */
  ALLOWED("incident.allow"),
  /** The block was wrong: lifted, and not counted as an offence when the next is weighed. */
  FALSE_POSITIVE("incident.false-positive");

  private final String auditAction;

  IncidentAction(String auditAction) {
    this.auditAction = auditAction;
  }

  /** The action's name in the audit log. */
  public String auditAction() {
    return auditAction;
  }

  /** Whether the action ends the incident's block. */
  boolean lifts() {
    return this != ALLOWED;
  }
}
