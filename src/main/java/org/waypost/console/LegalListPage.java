package org.waypost.console;

import java.time.LocalDate;
import java.util.List;
import org.waypost.governance.LegalProcess;
import org.waypost.governance.LegalRequests.LegalRequest;

/**
 * The legal requests, newest first, each with who acts next and when it is due, and for the legal
 * role the form to file one: refilled with what was typed when the filing was refused.
 */
public record LegalListPage(
    ConsolePage console, List<Listed> requests, FilingForm form, String error) {
  public LegalListPage {
    requests = List.copyOf(requests);
  }

  /** A request in the list, with its due day and whether it is overdue. */
  public record Listed(LegalRequest request, LocalDate dueOn, boolean overdue) {
    public String nextStep() {
      return LegalRequestPage.nextStep(request);
    }
  }

  /** The filing form's fields as typed. */
  public record FilingForm(
      String authority,
      String process,
      String caseReference,
      String trackingNumbers,
      String from,
      String to) {
    public boolean selected(LegalProcess option) {
      return option.name().equals(process);
    }
  }

  public List<LegalProcess> processes() {
    return List.of(LegalProcess.values());
  }

  public String describedBy(String hint) {
    return error == null ? hint : hint + " filing-error";
  }
}
