package org.waypost.console;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Base64;
import java.util.Locale;
import org.waypost.governance.LegalProcess;
import org.waypost.governance.LegalRequests.Disclosure;
import org.waypost.governance.LegalRequests.LegalRequest;
import org.waypost.governance.LegalStatus;

/**
 * One legal request, who acts next, when it is due, and what this operator may do with it. Right
 * after execution it also carries the {@code disclosure}, which is shown that once, with the one
 * CSV file it is exported as: Waypost does not store what it disclosed, only the counts and the
 * file's SHA-256.
 *
 * @param dueOn the last day on which the request is on time
 * @param overdue whether it is still open after that day
 */
public record LegalRequestPage(
    ConsolePage console,
    LegalRequest request,
    LocalDate dueOn,
    boolean overdue,
    Disclosure disclosure,
    String error) {

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

  /** Who acts next, in a sentence. */
  public String nextStep() {
    return nextStep(request);
  }

  /** The disclosure's CSV as the body of a {@code data:} address, for its one download. */
  public String csvData() {
    return Base64.getEncoder().encodeToString(disclosure.csv().getBytes(StandardCharsets.UTF_8));
  }

  public String csvName() {
    return "legal-request-" + request.id() + "-disclosure.csv";
  }

  /** Who acts next on {@code request}, in a sentence: "Waiting for …", or how it ended. */
  public static String nextStep(LegalRequest request) {
    return switch (request.status()) {
      case PENDING ->
          "Waiting for a privacy officer other than "
              + request.filedBy()
              + " to approve or reject it.";
      case APPROVED ->
          "Approved by "
              + request.decidedBy()
              + ". Waiting for an operator with the legal role to execute it.";
      case REJECTED -> "Rejected by " + request.decidedBy() + ". Closed: nothing more to do.";
      case DISCLOSED ->
          "Executed by "
              + request.executedBy()
              + ": "
              + request.recordsDisclosed()
              + (Integer.valueOf(1).equals(request.recordsDisclosed()) ? " record" : " records")
              + " disclosed. Closed.";
      case NO_DATA ->
          "Executed by " + request.executedBy() + ": nothing in scope was still kept. Closed.";
    };
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
