package org.waypost.console;

import java.util.List;
import org.waypost.governance.LegalProcess;
import org.waypost.governance.LegalRequests.LegalRequest;

/**
 * The legal requests, newest first, and for the legal role the form to file one: refilled with what
 * was typed when the filing was refused.
 */
public record LegalListPage(
    ConsolePage console, List<LegalRequest> requests, FilingForm form, String error) {
  public LegalListPage {
    requests = List.copyOf(requests);
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
