package org.waypost.console;

import java.util.Locale;
import org.waypost.governance.LegalProcess;
import org.waypost.governance.LegalRequests.Disclosure;
import org.waypost.governance.LegalRequests.LegalRequest;
import org.waypost.governance.LegalStatus;

/**
 * One legal request and what this operator may do with it. Right after execution it also carries
 * the {@code disclosure}, which is shown that once: Waypost does not store what it disclosed, only
 * the counts.
 */
public record LegalRequestPage(
    ConsolePage console, LegalRequest request, Disclosure disclosure, String error) {

  /** Whether this operator filed the request, and so may not decide it. */
  public boolean ownRequest() {
    return request.filedBy().equals(console.operatorName());
  }

  public boolean canDecide() {
    return console.privacy() && request.status() == LegalStatus.PENDING && !ownRequest();
  }

  /** Whether this privacy operator filed the pending request, so someone else must decide it. */
  public boolean awaitsOtherApprover() {
    return console.privacy() && request.status() == LegalStatus.PENDING && ownRequest();
  }

  public boolean canExecute() {
    return console.legal() && request.status() == LegalStatus.APPROVED;
  }

  public boolean executed() {
    return request.status() == LegalStatus.DISCLOSED || request.status() == LegalStatus.NO_DATA;
  }

  public String numbers() {
    return String.join(", ", request.trackingNumbers());
  }

  public static String processName(LegalProcess process) {
    return words(process.name());
  }

  public static String statusName(LegalStatus status) {
    return status == LegalStatus.NO_DATA ? "No data" : words(status.name());
  }

  /** {@code SEARCH_WARRANT} as "Search warrant". */
  private static String words(String constant) {
    String lower = constant.replace('_', ' ').toLowerCase(Locale.ROOT);
    return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
  }
}
