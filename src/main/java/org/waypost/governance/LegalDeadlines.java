package org.waypost.governance;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.waypost.governance.LegalRequests.LegalRequest;

/**
 * When a legal request should be settled: a number of days after the day it was filed ({@code
 * governance.legalDueDays}, fewer for an emergency, {@code governance.emergencyDueDays}). A request
 * still waiting for a decision or an execution after that day is overdue; a rejected or executed
 * one never is.
 */
public final class LegalDeadlines {
  private final int legalDays;
  private final int emergencyDays;
  private final Clock clock;

  public LegalDeadlines(int legalDays, int emergencyDays, Clock clock) {
    if (legalDays < 1 || emergencyDays < 1) {
      throw new IllegalArgumentException("due days must be at least 1");
    }
    this.legalDays = legalDays;
    this.emergencyDays = emergencyDays;
    this.clock = clock;
  }

  /** The last day (UTC) on which the request is on time. */
  public LocalDate dueOn(LegalRequest request) {
    LocalDate filed = LocalDate.ofInstant(request.filedAt(), ZoneOffset.UTC);
    return filed.plusDays(request.emergency() ? emergencyDays : legalDays);
  }

  /** Whether someone still has to act on it: it is pending or approved. */
  public static boolean open(LegalRequest request) {
    return request.status() == LegalStatus.PENDING || request.status() == LegalStatus.APPROVED;
  }

  /** Whether it is still open after its due day. */
  public boolean overdue(LegalRequest request) {
    return open(request) && LocalDate.now(clock.withZone(ZoneOffset.UTC)).isAfter(dueOn(request));
  }
}
